"""The rule kinds, registered by id (sqlfluff-style explicit registry, no plugins)."""

from __future__ import annotations

from pydantic import BaseModel

from ..packs import RuleSpec
from .agreement import AgreementRule
from .annual_minimum import AnnualMinimum
from .appraisal import AppraisalRule
from .base import Rule, RuleContext
from .case_discussion import CaseDiscussion
from .case_recording import CaseRecording
from .consecutive_missed import ConsecutiveMissed
from .duration import Duration
from .frequency import Frequency
from .professional import ProfessionalSupervision
from .registration import Registration
from .signed_record import SignedRecord
from .uninterrupted import Uninterrupted

RULE_KINDS: dict[str, type[Rule]] = {}


def register(rule_class: type[Rule]) -> type[Rule]:
    if rule_class.kind in RULE_KINDS:
        raise ValueError(f"rule kind '{rule_class.kind}' registered twice")
    RULE_KINDS[rule_class.kind] = rule_class
    return rule_class


for _kind in (
    Frequency,
    Duration,
    Uninterrupted,
    ProfessionalSupervision,
    Registration,
    CaseDiscussion,
    CaseRecording,
    AnnualMinimum,
    ConsecutiveMissed,
    SignedRecord,
    AgreementRule,
    AppraisalRule,
):
    register(_kind)


def build_rule(spec: RuleSpec) -> Rule:
    return RULE_KINDS[spec.kind](spec)


def params_model(kind: str) -> type[BaseModel] | None:
    """The model a pack's parameters of rule kind `kind` are validated with (None: no
    such kind). Packs are validated strictly: `"10"` is not 10."""
    rule_class = RULE_KINDS.get(kind)
    if rule_class is None:
        return None
    return rule_class.Params


__all__ = ["RULE_KINDS", "Rule", "RuleContext", "build_rule", "params_model", "register"]
