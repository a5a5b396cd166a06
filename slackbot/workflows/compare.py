"""The *Compare roles* step: two to four role names in, a verdict and a short comparison
out, in plain text a workflow can put in a message. Pure: no Slack, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from roles import MAX_ROLES, Catalog, Role, compare, resolve
from roles.summary import summarize

INPUTS = ("role_1", "role_2", "role_3", "role_4")
MAX_NAME = 80  # a name echoed back is cut here (as /role-compare does)
MAX_DIFFERENCES = 5


class StepInputError(ValueError):
    """Inputs a step cannot work with; `str(error)` is the message the workflow shows."""


@dataclass(frozen=True)
class CompareOutputs:
    verdict: str
    comparison: str
    unknown: tuple[str, ...] = ()

    def as_outputs(self) -> dict[str, Any]:
        """The outputs exactly as `app.yaml` declares them."""
        return {
            "verdict": self.verdict,
            "comparison": self.comparison,
            "has_unknown_roles": bool(self.unknown),
            "unknown_roles": ", ".join(self.unknown),
        }


def _cut(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def compare_roles(catalog: Catalog, inputs: Mapping[str, Any]) -> CompareOutputs:
    """Compare the roles named in `inputs` (`role_1` … `role_4`).

    Names that match no role do not fail the step: they come back in `unknown` (with the
    nearest roles in the verdict), so a workflow can branch on them.

    Raises:
        StepInputError: fewer than two names, or the same role named every time.
    """
    names = [str(inputs.get(key) or "").strip() for key in INPUTS]
    names = [n for n in names if n]
    if len(names) < 2:
        raise StepInputError(
            f"Compare roles needs at least two role names (got {len(names)}). Fill in "
            "First role and Second role, e.g. COO and Operations Director."
        )
    known: list[Role] = []
    unknown: list[str] = []
    notes: list[str] = []
    for name in names[:MAX_ROLES]:
        found = resolve(catalog, name)
        if found.role is None:
            unknown.append(_cut(name))
            nearest = ", ".join(s.label for s in found.suggestions[:3])
            how = "could be" if found.ambiguous else "is not in the catalog; nearest"
            notes.append(
                f"“{_cut(name)}” {how}: {nearest}."
                if nearest
                else f"“{_cut(name)}” is not in the catalog."
            )
        elif found.role not in known:
            known.append(found.role)
    if not unknown and len(known) < 2:
        raise StepInputError(
            f"Every name given is the {known[0].short_name}. Name two different roles to compare."
        )
    if len(known) < 2:
        return CompareOutputs(verdict=" ".join(notes), comparison="", unknown=tuple(unknown))
    comparison = compare(catalog, tuple(known))
    summary = summarize(catalog, comparison)
    verdict = " ".join([summary.verdict, *notes])
    return CompareOutputs(
        verdict=verdict, comparison=comparison_text(summary, comparison), unknown=tuple(unknown)
    )


def comparison_text(summary: Any, comparison: Any) -> str:
    """The side-by-side and the key differences as a few plain lines."""
    lines = [comparison.title]
    for label, attr in (
        ("Level", "level"),
        ("Focus", "focus"),
        ("Scope", "scope"),
        ("Reports to", "reports_to"),
    ):
        cells = "; ".join(f"{c.role.short_name}: {getattr(c, attr)}" for c in summary.columns)
        lines.append(f"• {label}: {cells}")
    differences = comparison.differences[:MAX_DIFFERENCES]
    if differences:
        lines.append("Key differences:")
        lines += [f"• {d}" for d in differences]
    return "\n".join(lines)
