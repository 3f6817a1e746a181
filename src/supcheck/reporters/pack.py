"""Plain-text rendering of a resolved policy pack, for `supcheck packs show`."""

from __future__ import annotations

from ..packs import Pack


def render_pack(pack: Pack) -> str:
    """Every schedule, group, rule, parameter, severity and citation of a resolved pack."""
    lines = [f"pack {pack.id}: {pack.title}"]
    if pack.description:
        lines.append(f"  {pack.description}")
    lines.append("  resolved from: " + " <- ".join(reversed(pack.files)))
    nqsw, enhanced = pack.schedules.nqsw, pack.schedules.enhanced
    lines.append("")
    lines.append("schedules")
    if nqsw is None and enhanced is None:
        lines.append("  (none: every group's own interval applies)")
    if nqsw is not None:
        phases = ", then ".join(
            f"{p.interval} until ASYE start + {p.until}" if p.until else f"{p.interval} after"
            for p in nqsw.phases
        )
        lines.append(f"  nqsw: {phases}")
        lines.append(f"    source: {nqsw.source}")
    if enhanced is not None:
        lines.append(f"  enhanced (enhanced_from..enhanced_until): {enhanced.interval}")
        lines.append(f"    source: {enhanced.source}")
    lines.append("")
    lines.append("groups (first match wins)")
    for group in pack.groups.values():
        lines.append(f"  {group.id}: {group.title}")
        if group.roles:
            lines.append(f"    roles: {', '.join(group.roles)}")
        if group.role_patterns:
            lines.append(f"    role patterns: {', '.join(group.role_patterns)}")
        for label, value in (("case holding", group.case_holding), ("nqsw", group.nqsw)):
            if value is not None:
                lines.append(f"    {label}: {'yes' if value else 'no'}")
        lines.append(f"    interval: {group.interval or 'none'}")
        lines.append(f"    group supervision counts: {'yes' if group.group_supervision else 'no'}")
        lines.append(f"    minimum session: {group.min_minutes:g} minutes")
        lines.append(f"    requires registration: {'yes' if group.requires_registration else 'no'}")
        applies = "all" if group.rules is None else (", ".join(group.rules) or "none")
        lines.append(f"    rules: {applies}")
    lines.append("")
    lines.append("rules")
    for spec in pack.rules.values():
        lines.append(f"  {spec.id} [{spec.kind}, {spec.severity}]: {spec.title}")
        for key, value in sorted(spec.params.items()):
            lines.append(f"    {key}: {value}")
        lines.append(f"    source: {spec.source}")
    return "\n".join(lines) + "\n"
