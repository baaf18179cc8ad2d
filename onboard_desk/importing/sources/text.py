"""Reading text files whatever program wrote them: encoding detection and decoding.

Salespeople's files come from Excel (Windows-1252 on Western Windows, or UTF-16 for
"Unicode text"), from web exports (UTF-8, often with a byte-order mark) and from phones.
Detection order: a byte-order mark decides; then UTF-16 written without one (a NUL in
every other byte); then strict UTF-8; then charset-normalizer's best guess over the
first megabyte, Windows-1252 winning ties (Excel on Western Windows writes it);
Windows-1252 as the last resort (it decodes every byte but five, and
Latin-1 covers those).
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from onboard_desk.importing.sources.base import ImportFileError

#: How much of a file encoding detection looks at.
SAMPLE_BYTES = 1 << 20

#: Encodings contact lists are really written in, besides UTF-8/16 and cp1252. On short
#: samples charset-normalizer may name an exotic code page (cp1006, say) that happens
#: to fit as well; those are not believed.
PLAUSIBLE_ENCODINGS = frozenset(
    {
        "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
        "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_9", "iso8859_15", "latin_1",
        "koi8_r", "koi8_u", "mac_roman", "cp437", "cp850", "cp866", "shift_jis", "cp932",
        "euc_jp", "gb2312", "gbk", "gb18030", "big5", "euc_kr", "cp949", "tis_620",
    }
)  # fmt: skip

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 (Excel “Unicode text”)",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "utf-32": "UTF-32",
    "cp1252": "Windows-1252",
}


def describe_encoding(encoding: str) -> str:
    """A name for an encoding that a user may recognise from a Save As dialog."""
    return _ENCODING_NAMES.get(encoding, encoding.replace("_", "-").upper())


@dataclass(frozen=True)
class TextSample:
    """The detected encoding and the decoded start of a file."""

    encoding: str
    text: str
    size: int


def _utf8_prefix_ok(sample: bytes, complete: bool) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sample cut inside a multi-byte character is still UTF-8.
        return not complete and exc.start >= len(sample) - 3 and exc.reason.startswith("unexp")
    return True


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """The encoding of a file starting with ``sample`` (``complete``: that is all of it)."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.05:
            return "utf-16-le"
        if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.05:
            return "utf-16-be"
    if b"\x00" in sample:
        raise ImportFileError("binary")
    if _utf8_prefix_ok(sample, complete):
        return "utf-8"
    from charset_normalizer import from_bytes

    results = from_bytes(sample)
    best = results.best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return "cp1252"
    # Short samples often fit several Western code pages equally well (cp1250 and
    # cp1252 differ in a few letters); Excel on Western Windows writes cp1252.
    if "cp1252" in best.could_be_from_charset:
        return "cp1252"
    for match in results:
        if (
            match.encoding == "cp1252"
            and match.chaos <= best.chaos + 0.01
            and match.coherence >= best.coherence - 0.05
        ):
            return "cp1252"
    if best.encoding not in PLAUSIBLE_ENCODINGS:
        return "cp1252"
    return str(best.encoding)


def read_sample(path: Path) -> TextSample:
    """Detect the encoding of ``path`` and decode its first megabyte."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(SAMPLE_BYTES + 1)
            size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}.") from exc
    complete = len(raw) <= SAMPLE_BYTES
    raw = raw[:SAMPLE_BYTES]
    try:
        encoding = detect_encoding(raw, complete=complete)
    except ImportFileError:
        raise ImportFileError(
            f"{path.name} is not a text file (it holds binary data). "
            "Export the contact list as CSV and import that."
        ) from None
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(raw, final=complete)
    return TextSample(encoding=encoding, text=text, size=size)


class CountingReader(io.RawIOBase):
    """A raw binary stream that counts what was read, for progress over bytes."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.handle.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)

    def close(self) -> None:
        self.handle.close()
        super().close()


def open_text(path: Path, encoding: str) -> tuple[io.TextIOWrapper, CountingReader]:
    """The file as text for the csv module (newline="" keeps quoted line breaks intact).

    Undecodable bytes beyond the sampled start become U+FFFD rather than stopping the
    import half-way; the detection sample makes that rare.
    """
    counter = CountingReader(path.open("rb"))
    buffered = io.BufferedReader(counter, buffer_size=1 << 16)
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline=""), counter
