"""Review policies as TOML (what admins write and `orgbot policies export` prints) and as
the plain mapping stored in the database. `[[policies]]` tables, each with
`[[policies.stages]]`:

    [[policies]]
    name = "growth"
    default = true
    on_changes = "resume"            # or "restart" (the default)

    [[policies.stages]]
    name = "Manager"
    author_manager = true            # and/or people = ["U…"], usergroup = "S…",
    rule = "all"                     # position = "CFO", named = true; rule: all | any | 2

    [[policies.stages]]
    name = "Finance"
    position = "CFO"
    when = { adds_positions_over = 3 }
    deadline_days = 3
    fallback = ["U0FALLBACK"]
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from slackbot.policies.model import (
    ADDS_LAYER,
    ADDS_OPEN_ROLES,
    ADDS_POSITIONS,
    ALL,
    ANY,
    EFFECTIVE_WITHIN,
    N_OF_M,
    RESTART,
    TOUCHES_BRANCH,
    Condition,
    Policy,
    Reviewers,
    Rule,
    Stage,
)
from slackbot.workspace_roles.toml_io import _value

_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,30}$")


class PolicyError(Exception):
    """A policy file or table that cannot be read; the message names where and why."""


# `when` keys as written → (condition kind, how its value is read)
_WHEN = {
    "adds_positions_over": ADDS_POSITIONS,
    "touches_branch": TOUCHES_BRANCH,
    "adds_layer": ADDS_LAYER,
    "adds_open_roles": ADDS_OPEN_ROLES,  # true, or a number: more than that many
    "effective_within_days": EFFECTIVE_WITHIN,
}
_STAGE_KEYS = {
    "name", "people", "usergroup", "author_manager", "position", "named", "rule", "when",
    "deadline_days", "fallback",
}  # fmt: skip
_POLICY_KEYS = {"name", "description", "default", "on_changes", "stages"}


def read_policies(text: str, *, source: str) -> list[tuple[Policy, bool]]:
    """The policies in a TOML text, each with whether it is marked `default = true`.

    Raises:
        PolicyError: not TOML, a key orgbot does not know, or a policy with problems.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{source}: not valid TOML ({error})") from None
    items = data.get("policies")
    if not isinstance(items, list) or not items or set(data) - {"policies"}:
        raise PolicyError(f"{source}: write each policy as a [[policies]] table")
    out = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise PolicyError(f"{source}: write each policy as a [[policies]] table")
        where = f"{source}, policy {n} ({str(item.get('name') or 'no name')[:50]})"
        if not isinstance(item.get("default", False), bool):
            raise PolicyError(f"{where}: default is true or false")
        policy = policy_from_data(item, where=where)
        problems = policy.problems()
        if problems:
            raise PolicyError(f"{where}: " + " ".join(problems))
        out.append((policy, bool(item.get("default", False))))
    names = [p.name for p, _ in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise PolicyError(f"{source}: two policies named {', '.join(twice)}")
    if sum(d for _, d in out) > 1:
        raise PolicyError(f"{source}: only one policy can be the default")
    return out


def policy_from_data(data: dict[str, Any], *, where: str = "policy", version: int = 0) -> Policy:
    """Raises PolicyError for keys orgbot does not know or values of the wrong type."""
    if not isinstance(data, dict):
        raise PolicyError(f"{where}: not a table")
    unknown = sorted(set(data) - _POLICY_KEYS)
    if unknown:
        raise PolicyError(f"{where}: unknown key {', '.join(unknown)}")
    stages = data.get("stages") or []
    if not isinstance(stages, list):
        raise PolicyError(f"{where}: write stages as [[policies.stages]]")
    return Policy(
        name=_str(data.get("name", ""), where, "name"),
        description=_str(data.get("description", ""), where, "description"),
        on_changes=_str(data.get("on_changes", RESTART), where, "on_changes"),
        stages=tuple(_stage(s, f"{where}, stage {i}") for i, s in enumerate(stages, start=1)),
        version=version,
    )


def _stage(data: Any, where: str) -> Stage:
    if not isinstance(data, dict):
        raise PolicyError(f"{where}: not a table")
    unknown = sorted(set(data) - _STAGE_KEYS)
    if unknown:
        raise PolicyError(f"{where}: unknown key {', '.join(unknown)}")
    rule_value = data.get("rule", ALL)
    if isinstance(rule_value, bool):
        raise PolicyError(f"{where}: rule is all, any or a number")
    rule = Rule(N_OF_M, rule_value) if isinstance(rule_value, int) else Rule(str(rule_value))
    if rule.kind not in (ALL, ANY, N_OF_M):
        raise PolicyError(f"{where}: rule is all, any or a number, not “{rule_value}”")
    deadline = data.get("deadline_days")
    if deadline is not None and (isinstance(deadline, bool) or not isinstance(deadline, int)):
        raise PolicyError(f"{where}: deadline_days is a number of working days")
    return Stage(
        name=_str(data.get("name", ""), where, "name"),
        reviewers=Reviewers(
            people=_ids(data.get("people", []), where, "people"),
            usergroup=_str(data["usergroup"], where, "usergroup") if "usergroup" in data else None,
            author_manager=bool(data.get("author_manager", False)),
            position=_str(data["position"], where, "position") if "position" in data else None,
            named=bool(data.get("named", False)),
        ),
        rule=rule,
        condition=_condition(data.get("when"), where),
        deadline_days=deadline,
        fallback=_ids(data.get("fallback", []), where, "fallback"),
    )


def _condition(when: Any, where: str) -> Condition | None:
    if when is None:
        return None
    if not isinstance(when, dict) or len(when) != 1:
        raise PolicyError(
            f"{where}: `when` holds one condition, e.g. when = {{ adds_positions_over = 3 }} "
            f"(one of {', '.join(_WHEN)})"
        )
    ((key, value),) = when.items()
    if key not in _WHEN:
        raise PolicyError(f"{where}: unknown condition {key} (one of {', '.join(_WHEN)})")
    kind = _WHEN[key]
    if kind == TOUCHES_BRANCH:
        return Condition(kind, key=_str(value, where, key))
    if kind in (ADDS_LAYER, ADDS_OPEN_ROLES) and isinstance(value, bool):
        if not value:
            raise PolicyError(f"{where}: leave `when` out rather than {key} = false")
        return Condition(kind)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyError(f"{where}: {key} is a number")
    return Condition(kind, n=value)


def _str(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise PolicyError(f"{where}: {key} is text")
    return value


def _ids(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f'{where}: {key} is a list of user ids, e.g. ["U0123ABCD"]')
    ids = tuple(v.strip().removeprefix("<@").removesuffix(">") for v in value)
    bad = [v for v in ids if not _USER_ID.match(v)]
    if bad:
        shown = ", ".join(f"“{v[:30]}”" for v in bad[:3])
        raise PolicyError(
            f'{where}: {key} is a list of user ids, e.g. ["U0123ABCD"], not {shown} '
            "(a member's id is in their Slack profile, under ⋮)"
        )
    return ids


def policy_to_data(policy: Policy, *, default: bool = False) -> dict[str, Any]:
    """The mapping `policy_from_data` reads back (stored as JSON, written as TOML)."""
    data: dict[str, Any] = {"name": policy.name}
    if policy.description:
        data["description"] = policy.description
    if default:
        data["default"] = True
    if policy.on_changes != RESTART:
        data["on_changes"] = policy.on_changes
    data["stages"] = [_stage_data(s) for s in policy.stages]
    return data


def _stage_data(stage: Stage) -> dict[str, Any]:
    r = stage.reviewers
    out: dict[str, Any] = {"name": stage.name}
    if r.named:
        out["named"] = True
    if r.people:
        out["people"] = list(r.people)
    if r.usergroup:
        out["usergroup"] = r.usergroup
    if r.author_manager:
        out["author_manager"] = True
    if r.position:
        out["position"] = r.position
    out["rule"] = stage.rule.n if stage.rule.kind == N_OF_M else stage.rule.kind
    c = stage.condition
    if c is not None:
        key = next(k for k, kind in _WHEN.items() if kind == c.kind)
        if c.kind == TOUCHES_BRANCH:
            out["when"] = {key: c.key}
        elif c.kind in (ADDS_LAYER, ADDS_OPEN_ROLES) and c.n == 0:
            out["when"] = {key: True}
        else:
            out["when"] = {key: c.n}
    if stage.deadline_days is not None:
        out["deadline_days"] = stage.deadline_days
    if stage.fallback:
        out["fallback"] = list(stage.fallback)
    return out


HEADER = (
    "# orgbot review policies: import with `orgbot policies import FILE.toml --team T`.\n"
    "# See docs/proposals.md, “Review policies”.\n"
)


def dump_policies(policies: list[tuple[Policy, bool]], *, header: str = HEADER) -> str:
    """Policies (each with whether it is the default) as TOML that `read_policies` reads."""
    lines = [header.rstrip("\n"), ""] if header else []
    for policy, default in policies:
        data = policy_to_data(policy, default=default)
        stages = data.pop("stages")
        lines.append("[[policies]]")
        lines.extend(f"{k} = {_value(v)}" for k, v in data.items())
        for stage in stages:
            lines.append("")
            lines.append("[[policies.stages]]")
            for k, v in stage.items():
                if isinstance(v, dict):
                    ((ck, cv),) = v.items()
                    lines.append(f"{k} = {{ {ck} = {_value(cv)} }}")
                else:
                    lines.append(f"{k} = {_value(v)}")
        lines.append("")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
