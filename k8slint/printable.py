"""Text from input (manifest values, file names) made safe to print on a terminal.

A manifest or a file name may carry control characters: ESC sequences that clear the screen, set the
window title or write the clipboard; a carriage return that hides the start of a line; bidirectional
overrides that reorder what a reviewer reads. Text output shows each as a visible escape instead (`\\x1b`,
`\\u202e`), and a file name that is not valid UTF-8 (Python keeps its bytes as lone surrogates) shows its
bytes as `\\xff`, so printing can never fail on it either.
"""
from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, bidirectional embeddings/overrides/isolates, lone
# surrogates (undecodable bytes of file names), line and paragraph separators.
# A carriage return is kept only as part of a CRLF line ending.
_UNSAFE = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e"
                     "\u2066-\u2069\ud800-\udfff]")


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:  # a byte surrogateescape kept from an undecodable name
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(text: str) -> str:
    """`text` with every character that could act on a terminal (or fail to encode) written as an escape."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def encodable(text: str) -> str:
    """`text` that encodes to UTF-8: lone surrogates (from file names that are not UTF-8) become `\\udcff`
    escapes, which JSON readers decode back to the same character, the rest is unchanged."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def printable_except(text: str, codes) -> str:
    """printable(), but the exact escape sequences in `codes` (the colours our own text output uses) stay
    as they are; any other sequence, in whatever came from input, is escaped."""
    if not codes:
        return printable(text)
    own = re.compile("|".join(re.escape(c) for c in sorted(set(codes), key=len, reverse=True)))
    out, pos = [], 0
    for m in own.finditer(text):
        out.append(printable(text[pos:m.start()]))
        out.append(m.group())
        pos = m.end()
    out.append(printable(text[pos:]))
    return "".join(out)
