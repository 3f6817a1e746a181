"""Only regular files are read: a named pipe, a device or a folder is refused first.

Opening a named pipe (FIFO) for reading waits for a writer, for ever if none comes, and
`/dev/zero` or `/dev/urandom` never end: a file that is neither would hang a cron job
or fill the memory. So every file supcheck reads (exports, packs, supcheck.toml, the
SMTP password file) is examined with `os.stat` before it is opened, and what is not a
regular file is refused with one line naming it. `read_regular` also opens without
waiting (O_NONBLOCK) and checks the opened file again, so a file swapped for a pipe
in between cannot block either.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import SupcheckError


def not_regular(mode: int) -> str | None:
    """What a file of this `st_mode` is, when it is not a regular file (None when it is)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


def regular_file_problem(path: Path) -> str | None:
    """Why `path` (symbolic links followed) cannot be read as a file, or None if it can.
    Never opens it."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a link to a file that does not exist" if os.path.islink(path) else "no such file"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return not_regular(mode)


_NO_WAIT = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_regular(path: Path, label: str, limit: int, error: type[SupcheckError], what: str) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; `error` (one line
    starting with `label`) when it is missing, not a regular file, or larger than
    `limit` (`what` names the kind of file in that message: "policy pack")."""
    problem = regular_file_problem(path)
    if problem is not None:
        raise error(f"{label}: {problem}")
    try:
        fd = os.open(path, _NO_WAIT)
    except OSError as exc:
        raise error(f"{label}: cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        problem = not_regular(os.fstat(fd).st_mode)
        if problem is not None:  # swapped since the stat above
            raise error(f"{label}: {problem}")
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise error(f"{label}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise error(f"{label}: refused: larger than {limit // 1024:,} kB, far more than a {what} holds")
    return data
