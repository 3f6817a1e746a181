"""Support for the tests of unattended runs: a real SMTP server and sample-data copies.

`MailServer` is aiosmtpd's controller on 127.0.0.1 and a free port. Messages are collected as parsed `email.message.EmailMessage`s with their envelope;
recipients at `@refused.example` are refused with 550; with `password` set the server
offers AUTH (without TLS, as a local relay would) and accepts only that user/password.
"""

from __future__ import annotations

import email
import email.policy
import io
import shutil
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import openpyxl
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
PERIOD = ["--from", "2026-04-01", "--to", "2026-10-31", "--as-of", "2026-11-20"]
TABLE_FILES = (
    "staff.csv",
    "supervisions.csv",
    "absences.xlsx",
    "allocations.tsv",
    "case_discussions.xlsx",
    "agreements.csv",
    "appraisals.csv",
)

REFUSED_DOMAIN = "@refused.example"
SENDER = "supcheck@council.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def plain(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    @property
    def flat_plain(self) -> str:
        """The plain body with line wrapping undone, for finding sentences."""
        return " ".join(self.plain.split())

    def attachments(self) -> list[EmailMessage]:
        return list(self.message.iter_attachments())

    def workbook(self) -> openpyxl.Workbook:
        (part,) = self.attachments()
        return openpyxl.load_workbook(io.BytesIO(part.get_content()))

    def finding_rows(self) -> list[dict]:
        sheet = self.workbook()["Findings"]
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith(REFUSED_DOMAIN):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"


class MailServer:
    """`with MailServer() as server:` ... `server.received`, `server.env()`."""

    def __init__(self, *, user: str | None = None, password: str | None = None) -> None:
        self.handler = Handler()
        self.port = free_port()
        kwargs: dict = {}
        if password is not None:

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = (
                    isinstance(auth_data, LoginPassword)
                    and auth_data.login.decode() == user
                    and auth_data.password.decode() == password
                )
                return AuthResult(success=ok, handled=False)

            # PLAIN only: smtplib's AUTH LOGIN with an initial response stalls aiosmtpd 1.4.
            kwargs = {
                "authenticator": authenticator,
                "auth_require_tls": False,
                "auth_exclude_mechanism": ["LOGIN"],
            }
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for the CLI: this server, no TLS (a local relay), a sender."""
        return {
            "SUPCHECK_SMTP_HOST": "127.0.0.1",
            "SUPCHECK_SMTP_PORT": str(self.port),
            "SUPCHECK_SMTP_SECURITY": "none",
            "SUPCHECK_SMTP_SENDER": SENDER,
            "SUPCHECK_SMTP_TIMEOUT": "10",
            **extra,
        }

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


def copy_sample(folder: Path) -> Path:
    """The sample council's exports copied into `folder` (made), for tests that edit them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in TABLE_FILES:
        shutil.copy2(SAMPLE / name, folder / name)
    return folder


def edit_staff_csv(folder: Path, old: str, new: str) -> None:
    """Replace text in the copy's staff.csv (Windows-1252, as HR exports it)."""
    path = folder / "staff.csv"
    text = path.read_bytes().decode("cp1252")
    assert old in text
    path.write_bytes(text.replace(old, new).encode("cp1252"))


def edit_supervisions(folder: Path, *, add: list[str] = (), drop: list[str] = ()) -> None:
    """Add rows to / drop rows (by session id) from the copy's supervisions.csv.

    The file is `;`-delimited UTF-8 with a byte-order mark, CRLF, trailing blank lines.
    """
    path = folder / "supervisions.csv"
    lines = path.read_bytes().decode("utf-8-sig").rstrip("\r\n").split("\r\n")
    lines = [line for line in lines if not any(line.startswith(f"{sid};") for sid in drop)]
    lines.extend(add)
    path.write_bytes(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8-sig"))
