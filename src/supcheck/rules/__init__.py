"""The rule kinds, registered by id (sqlfluff-style explicit registry, no plugins)."""

from __future__ import annotations

from pydantic import ValidationError

from ..packs import Pack, RuleSpec
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


def validate_rule_params(pack: Pack) -> list[str]:
    """Problems with rule kinds and parameters, each naming the key (`rules.<id>.<param>`)."""
    problems = []
    for spec in pack.rules.values():
        rule_class = RULE_KINDS.get(spec.kind)
        if rule_class is None:
            known = ", ".join(sorted(RULE_KINDS))
            problems.append(f"rules.{spec.id}.kind: unknown rule kind '{spec.kind}' (known: {known})")
            continue
        try:
            rule_class.Params.model_validate(spec.params)
        except ValidationError as exc:
            for err in exc.errors():
                key = ".".join(str(p) for p in err["loc"])
                problems.append(f"rules.{spec.id}.{key}: {err['msg']}")
    return problems


__all__ = ["RULE_KINDS", "Rule", "RuleContext", "build_rule", "register", "validate_rule_params"]
