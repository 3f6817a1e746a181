"""Errors that stop a run. The CLI prints them as one line and exits 2."""

from __future__ import annotations

import re


class SupcheckError(Exception):
    """Could not check: bad option, unreadable or missing file, invalid pack."""


class InputError(SupcheckError):
    """An export could not be read at all (as opposed to a bad row, which is a finding)."""


class PackError(SupcheckError):
    """A policy pack is invalid; the message names the file and the key."""


NOT_PRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters that would break a one-line error (line breaks) or act on a terminal."""


def printable(text: str) -> str:
    """`text` with line breaks and control characters written as escapes (`\\r\\n`), so
    that input echoed in an error stays on its one line and cannot send escape
    sequences to a terminal: `--email $'a@b.org\\r\\nBcc: x'` is shown as typed."""
    if not NOT_PRINTABLE.search(text):
        return text
    return NOT_PRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
