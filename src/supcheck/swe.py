"""Social Work England registration numbers, in the forms exports write them.

A number is `SW` and digits. Three forms are in use for the same person: `SW12345` (the
register's own), `SW012345` (a leading zero that was dropped when the register moved
from the HCPC to Social Work England in 2019) and, in the DfE's workforce census,
`SW` + ten digits (`SW0000012345`). They are one number: `normalise` gives each as
`SW` + the digits without leading zeros (`SW12345`), which is how the staff table and a
census return are joined.

Accepted around the number: spaces, case (`sw 12345`), and a space or hyphen after `SW`
(`SW-12345`). Anything else (no `SW`, letters among the digits, more than ten digits, all
zeros) is not a Social Work England number: the caller reports it, never guesses.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"SW[ -]?(\d{1,10})")


def normalise(text: str) -> str:
    """`SW012345` -> `SW12345`; ValueError when `text` is not a Social Work England number."""
    cleaned = text.strip().upper()
    match = _NUMBER.fullmatch(cleaned)
    if match is None or not int(match.group(1)):
        raise ValueError("is not a Social Work England number (SW and up to ten digits, as SW12345)")
    return f"SW{int(match.group(1))}"


__all__ = ["normalise"]
