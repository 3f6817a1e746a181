"""E-mailing reports: compose the messages and send them by SMTP.

Each message has a plain-text body (the console report, 80 columns, no colour), an HTML
alternative (the HTML report: inline styles, no scripts, no external images, so Outlook
shows it as sent) and the workbook attached. The subject names the council (config
`organisation`, `--organisation`; else the policy), the period and the number of
breaches; the body's title and last line name the council too. A line manager's copy
opens with the config's instructions (`email.instructions` or `email.instructions_file`:
what to do, by when, whom to ask), names rules by their titles and has no filler lines.

SMTP settings come from the environment or the `[smtp]` table of `supcheck.toml`; the
environment wins:

| setting       | environment                    | config               | default              |
| ------------- | ------------------------------ | -------------------- | -------------------- |
| setting  | environment            | config        | default                    |
| -------- | ---------------------- | ------------- | -------------------------- |
| host     | SUPCHECK_SMTP_HOST     | smtp.host     | (required)                 |
| port     | SUPCHECK_SMTP_PORT     | smtp.port     | 587; 465 (ssl); 25 (none)  |
| security | SUPCHECK_SMTP_SECURITY | smtp.security | starttls (or ssl, none)    |
| user     | SUPCHECK_SMTP_USER     | smtp.user     | none: no login             |
| sender   | SUPCHECK_SMTP_SENDER   | smtp.sender   | the user, if an address    |
| timeout  | SUPCHECK_SMTP_TIMEOUT  | smtp.timeout  | 30 seconds                 |

The password: SUPCHECK_SMTP_PASSWORD, or the file named by SUPCHECK_SMTP_PASSWORD_FILE
or smtp.password_file (trailing newline removed).

The password never comes from the command line or from the config file itself. With
`security = none` a password is sent only to a server on this machine (a local relay).
Every failure is a `MailError`: one line saying what failed.
"""

from __future__ import annotations

import math
import os
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from .config import MAX_TIMEOUT, NO_CONFIG, Config
from .errors import SupcheckError
from .files import read_regular
from .models import CheckResult
from .reporters import get_reporter
from .reporters.base import date_range, plural
from .routing import is_address

ENV_HOST = "SUPCHECK_SMTP_HOST"
ENV_PORT = "SUPCHECK_SMTP_PORT"
ENV_SECURITY = "SUPCHECK_SMTP_SECURITY"
ENV_USER = "SUPCHECK_SMTP_USER"
ENV_SENDER = "SUPCHECK_SMTP_SENDER"
ENV_TIMEOUT = "SUPCHECK_SMTP_TIMEOUT"
ENV_PASSWORD = "SUPCHECK_SMTP_PASSWORD"
ENV_PASSWORD_FILE = "SUPCHECK_SMTP_PASSWORD_FILE"

SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_TIMEOUT = 30.0
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

PASSWORD_FILE_BYTES = 64 * 1024
"""A password file is a line; a larger one (or /dev/zero) is refused unread."""

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class MailError(SupcheckError):
    """Mail could not be configured or sent; the message says what failed, on one line."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = ""
    timeout: float = DEFAULT_TIMEOUT


def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def smtp_settings(config: Config = NO_CONFIG, env: Mapping[str, str] | None = None) -> SmtpSettings:
    """The SMTP settings in effect: environment, then config, then defaults."""
    env = os.environ if env is None else env
    smtp = config.smtp
    where = str(config.path) if config.path else "supcheck.toml"

    host = _env(env, ENV_HOST) or smtp.host
    if not host:
        raise MailError(f"no SMTP server: set {ENV_HOST} or smtp.host in {where}")
    security = _env(env, ENV_SECURITY)
    if security is not None:
        security = security.lower()
        if security not in SECURITIES:
            raise MailError(f"{ENV_SECURITY} '{security}' is not one of {', '.join(SECURITIES)}")
    security = security or smtp.security or "starttls"
    port_text = _env(env, ENV_PORT)
    if port_text is not None:
        if not re.fullmatch(r"[0-9]{1,5}", port_text) or not 1 <= int(port_text) <= 65535:
            raise MailError(f"{ENV_PORT} '{port_text}' is not a port number (1 to 65535)")
        port = int(port_text)
    else:
        port = smtp.port or DEFAULT_PORTS[security]
    timeout = _timeout(_env(env, ENV_TIMEOUT)) or smtp.timeout or DEFAULT_TIMEOUT
    user = _env(env, ENV_USER) or smtp.user
    sender = _env(env, ENV_SENDER) or smtp.sender or (user if user and is_address(user) else None)
    if not sender:
        raise MailError(f"no sender address: set {ENV_SENDER} or smtp.sender in {where}")
    if not is_address(sender):
        raise MailError(f"sender '{sender}' is not an e-mail address")
    password = None
    if user:
        password = _password(env, config)
        if security == "none" and host.lower() not in LOCAL_HOSTS:
            raise MailError(
                f"will not send the SMTP password unencrypted to {host}; use security starttls or ssl"
            )
    return SmtpSettings(
        host=host,
        port=port,
        security=security,
        user=user,
        password=password,
        sender=sender,
        timeout=timeout,
    )


def _timeout(text: str | None) -> float | None:
    """SUPCHECK_SMTP_TIMEOUT in seconds: more than 0, at most an hour (`inf`, `nan` and
    `1e999` are refused: the socket layer cannot wait that long)."""
    if text is None:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= MAX_TIMEOUT:
        raise MailError(
            f"{ENV_TIMEOUT} '{text}' is not a number of seconds from more than 0 to {MAX_TIMEOUT:g}"
        )
    return seconds


def _password(env: Mapping[str, str], config: Config) -> str:
    value = env.get(ENV_PASSWORD)
    if value:
        return value
    file_name = _env(env, ENV_PASSWORD_FILE)
    source = ENV_PASSWORD_FILE
    path = Path(file_name).expanduser() if file_name else None
    if path is None and config.smtp.password_file is not None:
        path, source = config.smtp.password_file, "smtp.password_file"
    if path is None:
        raise MailError(
            f"an SMTP user is set but no password: set {ENV_PASSWORD}, or name a file holding it"
            f" with {ENV_PASSWORD_FILE} or smtp.password_file"
        )
    label = f"cannot read the SMTP password file {path} ({source})"
    try:
        text = read_regular(path, label, PASSWORD_FILE_BYTES, MailError, "password file").decode("utf-8")
    except UnicodeDecodeError:
        raise MailError(f"{label}: not UTF-8 text") from None
    password = text.rstrip("\r\n")
    if not password:
        raise MailError(f"the SMTP password file {path} ({source}) is empty")
    return password


# ---------------------------------------------------------------- composing


def subject(result: CheckResult, *, manager: bool = False) -> str:
    """`Supervision check (national, 1 Apr–31 Oct 2026): 10 breaches, 1 new`; with an
    organisation, `Northshire County Council supervision check, 1 Apr–31 Oct 2026: ...`
    (a manager knows the council, not the policy pack's id)."""
    period = date_range(result.period.start, result.period.end)
    if result.organisation:
        text = f"{result.organisation} supervision check, {period}: "
    else:
        text = f"Supervision check ({result.policy}, {period}): "
    text += plural(result.summary.breaches, "breach", "breaches")
    if manager:
        text += " among staff you manage"
    since = result.since_last
    if since is not None and since.previous is not None:
        text += f", {len(since.new)} new, {len(since.resolved)} resolved"
    return text


INSTRUCTIONS_BYTES = 4 * 1024
"""Instructions are a short paragraph; a larger file is refused unread."""


def instructions(config: Config) -> str:
    """The paragraph above a line manager's list: `email.instructions`, or the text of
    `email.instructions_file` (UTF-8, at most 4 kB, whitespace folded); empty when neither.
    Both set is an error: which one is meant?"""
    email = config.email
    where = str(config.path) if config.path else "supcheck.toml"
    if email.instructions is not None and email.instructions_file is not None:
        raise MailError(f"{where}: give email.instructions or email.instructions_file, not both")
    text = email.instructions
    if email.instructions_file is not None:
        path = email.instructions_file
        label = f"cannot read the instructions file {path} (email.instructions_file)"
        data = read_regular(path, label, INSTRUCTIONS_BYTES, MailError, "short paragraph")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise MailError(f"{label}: not UTF-8 text") from None
    return " ".join((text or "").split())


MAX_ATTACHMENT_BYTES = 10 * 2**20
"""A workbook larger than this is not attached: mail servers refuse large messages (10 to
35 MB is common, and base64 adds a third), and a refused message would lose the body
too. A national run's findings come to tens of megabytes; its body then says where the
full list is (the output folder's files), or how to get one."""


def attachment_name(result: CheckResult) -> str:
    period = f"{result.period.start.isoformat()}-to-{result.period.end.isoformat()}"
    return f"supcheck-{result.policy}-{period}.xlsx"


def compose(result: CheckResult, to: Sequence[str], sender: str, *, manager: bool = False) -> EmailMessage:
    """One message: plain and HTML bodies of `result`, the workbook attached (unless it
    is larger than `MAX_ATTACHMENT_BYTES`)."""
    message = EmailMessage()
    message["Subject"] = subject(result, manager=manager)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a cron job
    name = attachment_name(result)
    workbook = get_reporter("xlsx").render(result)
    attach = len(workbook) <= MAX_ATTACHMENT_BYTES
    if attach:
        result = result.model_copy(update={"full_list": [*result.full_list, f"the attached workbook {name}"]})
    message.set_content(get_reporter("console").render(result), charset="utf-8")
    message.add_alternative(get_reporter("html").render(result), subtype="html", charset="utf-8")
    if attach:
        message.add_attachment(workbook, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    return message


@dataclass
class Outgoing:
    """A composed message, its envelope recipients and a label for error messages."""

    to: list[str]
    message: EmailMessage
    label: str


# ---------------------------------------------------------------- sending


def _one_line(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).split())


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_one_line(exc.smtp_error)}".strip()


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    where = f"{settings.host}:{settings.port}"
    context = ssl.create_default_context()
    if settings.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise MailError(
                    f"SMTP server {where} does not offer STARTTLS;"
                    " set security to ssl, or to none for a local relay"
                )
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            if not smtp.has_extn("auth"):
                raise MailError(f"SMTP server {where} does not accept a login (no AUTH); unset the SMTP user")
            try:
                smtp.login(settings.user, settings.password or "")
            except smtplib.SMTPAuthenticationError as exc:
                raise MailError(f"SMTP login as {settings.user} on {where} failed: {_reply(exc)}") from None
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_all(settings: SmtpSettings, outgoing: Sequence[Outgoing]) -> int:
    """Send every message over one connection; the number sent, or MailError.

    A refused recipient or message does not stop the others; the error then says how
    many were sent and what failed first. A connection or login failure stops all.
    """
    where = f"{settings.host}:{settings.port}"
    total = len(outgoing)
    sent = 0
    failures: list[str] = []
    try:
        smtp = _connect(settings)
        with smtp:
            for item in outgoing:
                try:
                    refused = smtp.send_message(item.message, from_addr=settings.sender, to_addrs=item.to)
                except smtplib.SMTPRecipientsRefused as exc:
                    failures.append(f"{item.label}: recipient refused ({_refused(exc.recipients)})")
                    continue
                except smtplib.SMTPSenderRefused as exc:
                    raise MailError(
                        f"SMTP server {where} refused the sender {settings.sender}: {_reply(exc)}"
                    ) from None
                except smtplib.SMTPDataError as exc:
                    failures.append(f"{item.label}: message refused ({_reply(exc)})")
                    continue
                sent += 1
                if refused:
                    failures.append(f"{item.label}: recipient refused ({_refused(refused)})")
    except MailError as exc:
        raise MailError(f"{exc}{_progress(sent, total)}") from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"SMTP server {where} said {_reply(exc)}{_progress(sent, total)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        reason = _one_line(getattr(exc, "strerror", None) or exc) or type(exc).__name__
        raise MailError(f"cannot send mail through {where}: {reason}{_progress(sent, total)}") from None
    if failures:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise MailError(f"mail not delivered to every recipient: {failures[0]}{more}; {sent} of {total} sent")
    return sent


def _progress(sent: int, total: int) -> str:
    return f" ({sent} of {total} messages sent)" if sent else ""


def _refused(recipients: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{addr}: {code} {_one_line(text)}" for addr, (code, text) in recipients.items())
