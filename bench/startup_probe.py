"""Child process for :mod:`bench.bench_startup`: start a window, report when it is usable.

    python -m bench.startup_probe bare            # a bare PySide6 QMainWindow
    python -m bench.startup_probe app DB_PATH     # Onboard Desk on DB_PATH

Prints one JSON object: wall-clock times (``time.time()``) of the first paint of the
window and, for the app, of the first data on screen and of the board loaded, plus the
resident memory (kB) with the board shown. The parent subtracts its own start time.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

_STARTED = time.time()


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _first_paint_filter(report: dict[str, Any], on_paint: Any) -> Any:
    from PySide6.QtCore import QEvent, QObject

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "window_shown" not in report:
                report["window_shown"] = time.time()
                on_paint()
            return False

    return FirstPaint()


def bare() -> dict[str, Any]:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    report: dict[str, Any] = {"started": _STARTED}
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1200, 800)
    watcher = _first_paint_filter(report, lambda: QTimer.singleShot(0, app.quit))
    window.installEventFilter(watcher)
    window.show()
    app.exec()
    report["rss_kb"] = rss_kb()
    return report


def app(db_path: str) -> dict[str, Any]:
    from PySide6.QtCore import QTimer

    from onboard_desk.ui.app import launch

    report: dict[str, Any] = {"started": _STARTED}
    started = launch(db_path, sys.argv[:1], single_instance=False)
    window = started.window
    assert window is not None
    window.resize(1200, 800)
    application = started.app

    def board_loaded() -> None:
        report["board_shown"] = time.time()
        report["rss_kb"] = rss_kb()
        QTimer.singleShot(0, application.quit)

    def data_shown() -> None:
        report["data_shown"] = time.time()
        window.show_screen("board")
        board: Any = window.screen_widget("board")
        board.sig_loaded.connect(board_loaded)

    watcher = _first_paint_filter(report, lambda: None)
    window.installEventFilter(watcher)
    window.sig_data_shown.connect(data_shown)
    QTimer.singleShot(60_000, application.quit)  # never hang a benchmark
    application.exec()
    return report


def main(argv: list[str]) -> int:
    kind = argv[0]
    report = bare() if kind == "bare" else app(argv[1])
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
