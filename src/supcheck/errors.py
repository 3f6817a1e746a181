"""Errors that stop a run. The CLI prints them as one line and exits 2."""


class SupcheckError(Exception):
    """Could not check: bad option, unreadable or missing file, invalid pack."""


class InputError(SupcheckError):
    """An export could not be read at all (as opposed to a bad row, which is a finding)."""


class PackError(SupcheckError):
    """A policy pack is invalid; the message names the file and the key."""
