"""Entry point of the import worker process (``python -m onboard_desk.importing.worker_process``).

Kept apart from :mod:`.worker`, which the package imports, so that running it as the main
module does not import it twice.
"""

from __future__ import annotations

from onboard_desk.importing.worker import serve_stdio

if __name__ == "__main__":
    serve_stdio()
