"""`--pseudonymise`: stable tokens instead of names and case ids, for reports that leave
the service.

The dataset is pseudonymised after the integrity checks and before the rules run, so
every message, report, workbook and e-mail is written with tokens from the start and no
reporter needs to know. Tokens are keyed hashes (HMAC-SHA256): the same name or case id
gives the same token in every run with the same key, so month-on-month reports still
line up, while nobody without the key can test a guessed name against a token. The key
comes from SUPCHECK_PSEUDONYM_KEY; without it a fixed, public key is used, which keeps
tokens stable but lets anyone with a list of names recompute them.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from .column_tables import ColumnTable
from .models import Dataset

KEY_VARIABLE = "SUPCHECK_PSEUDONYM_KEY"
_PUBLIC_KEY = "supcheck-pseudonym-v1"


class Pseudonymiser:
    def __init__(self, key: str | None = None) -> None:
        self._key = (key if key is not None else os.environ.get(KEY_VARIABLE) or _PUBLIC_KEY).encode()
        self._cache: dict[tuple[str, str], str] = {}

    def token(self, kind: str, value: str) -> str:
        """'Person-3F9A2C1B' for a name, 'Case-...' for a case id; blank stays blank."""
        if not value:
            return value
        cached = self._cache.get((kind, value))
        if cached is None:
            digest = hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
            cached = self._cache[(kind, value)] = f"{kind}-{digest[:8].upper()}"
        return cached

    def dataset(self, data: Dataset) -> Dataset:
        """A copy of `data` with staff names and case ids replaced by tokens."""

        def case(table: ColumnTable) -> ColumnTable:
            return table.replace(case_id=table.map_ids("case_id", lambda c: self.token("Case", c)))

        staff = {
            sid: member.model_copy(update={"name": self.token("Person", member.name)})
            for sid, member in data.staff.items()
        }
        return data.model_copy(
            update={
                "staff": staff,
                "allocations": case(data.allocations),
                "discussions": case(data.discussions),
            }
        )
