"""A review policy as frozen data: ordered stages, each with reviewers, a rule and an
optional condition on the change. Pure; validated by `Policy.problems()`."""

from __future__ import annotations

from dataclasses import dataclass, field

# rules
ALL, ANY, N_OF_M = "all", "any", "n_of_m"
RULES = (ALL, ANY, N_OF_M)

# conditions on the change
ADDS_POSITIONS = "adds_positions"  # more than `n` seats added
TOUCHES_BRANCH = "touches_branch"  # a position `key` or anything under it changes
ADDS_LAYER = "adds_layer"  # the chart gets deeper
ADDS_OPEN_ROLES = "adds_open_roles"  # more than `n` vacant seats added (n defaults to 0)
EFFECTIVE_WITHIN = "effective_within"  # takes effect within `n` days of today
CONDITIONS = (ADDS_POSITIONS, TOUCHES_BRANCH, ADDS_LAYER, ADDS_OPEN_ROLES, EFFECTIVE_WITHIN)

# what happens when a reviewer requests changes and the author edits
RESTART, RESUME = "restart", "resume"

DEFAULT_POLICY_NAME = "default"
MAX_STAGES = 10
MAX_PEOPLE = 20
MAX_DEADLINE_DAYS = 60
MAX_POLICY_NAME = 50  # the form's picker shows "Workspace default (NAME)": 75 characters at most
MAX_STAGE_NAME = 80


@dataclass(frozen=True)
class Rule:
    """How many of a stage's reviewers must approve: all, any (one), or `n` of them."""

    kind: str = ALL
    n: int = 0

    def needed(self, reviewers: int) -> int:
        """Approvals that pass a stage of `reviewers` people (at least one: a stage
        nobody can be asked of never passes by itself)."""
        if self.kind == ANY:
            wanted = 1
        elif self.kind == N_OF_M:
            wanted = min(self.n, reviewers)
        else:
            wanted = reviewers
        return max(1, wanted)

    def describe(self, reviewers: int) -> str:
        if self.kind == ANY or reviewers <= 1:
            return "any one approval" if reviewers > 1 else "one approval"
        if self.kind == N_OF_M:
            return f"{self.needed(reviewers)} of {reviewers} approvals"
        return f"all {reviewers} approvals"

    def to_text(self) -> str:
        return f"{self.n} of M" if self.kind == N_OF_M else self.kind


@dataclass(frozen=True)
class Condition:
    kind: str
    n: int = 0
    key: str = ""  # the branch's top position, for TOUCHES_BRANCH

    def describe(self) -> str:
        if self.kind == ADDS_POSITIONS:
            return f"the change adds more than {self.n} position{'s' if self.n != 1 else ''}"
        if self.kind == TOUCHES_BRANCH:
            return f"the change touches {self.key} or anything under it"
        if self.kind == ADDS_LAYER:
            return "the change adds a layer"
        if self.kind == ADDS_OPEN_ROLES:
            return (
                "the change adds open roles"
                if self.n == 0
                else f"the change adds more than {self.n} open roles"
            )
        if self.kind == EFFECTIVE_WITHIN:
            return f"the change takes effect within {self.n} days"
        return self.kind


@dataclass(frozen=True)
class Reviewers:
    """Who a stage asks. Any mix; `named` means the reviewers the author picks in the
    proposal modal (today's behaviour)."""

    people: tuple[str, ...] = ()
    usergroup: str | None = None  # S… id, members via usergroups.users.list
    author_manager: bool = False  # the holder of the author's position's manager
    position: str | None = None  # the holder(s) of this position (title or key)
    named: bool = False

    def describe(self) -> str:
        parts = [f"<@{p}>" for p in self.people]
        if self.usergroup:
            parts.append(f"<!subteam^{self.usergroup}>")
        if self.author_manager:
            parts.append("the author's manager")
        if self.position:
            parts.append(f"the holder of {self.position}")
        if self.named:
            parts.append("the reviewers the author names")
        return ", ".join(parts) or "nobody"

    @property
    def empty(self) -> bool:
        return not (
            self.people or self.usergroup or self.author_manager or self.position or self.named
        )


@dataclass(frozen=True)
class Stage:
    name: str
    reviewers: Reviewers
    rule: Rule = Rule()
    condition: Condition | None = None
    deadline_days: int | None = None  # working days from the stage's start
    fallback: tuple[str, ...] = ()  # asked after the deadline (empty: the admins)


@dataclass(frozen=True)
class Policy:
    name: str
    stages: tuple[Stage, ...]
    on_changes: str = RESTART
    description: str = ""
    version: int = 0  # the stored version (0: not stored, e.g. the built-in default)

    @property
    def uses_named_reviewers(self) -> bool:
        return any(s.reviewers.named for s in self.stages)

    def problems(self) -> list[str]:
        """What is wrong with this policy, in words for the admin writing it ([] = fine)."""
        out: list[str] = []
        if not self.name.strip():
            out.append("A policy needs a name.")
        if len(self.name) > MAX_POLICY_NAME:
            out.append(f"Policy “{self.name[:20]}…”: a name of up to {MAX_POLICY_NAME} characters.")
        if not self.stages:
            out.append(f"Policy “{self.name}” has no stages.")
        if len(self.stages) > MAX_STAGES:
            out.append(f"Policy “{self.name}” has {len(self.stages)} stages; at most {MAX_STAGES}.")
        if self.on_changes not in (RESTART, RESUME):
            out.append(f"on_changes must be “restart” or “resume”, not “{self.on_changes}”.")
        if self.stages and all(s.condition is not None for s in self.stages):
            out.append(
                f"Policy “{self.name}”: every stage has a condition, so some changes would be "
                "approved without review. Give at least one stage no condition."
            )
        names = [s.name for s in self.stages]
        for name in {n for n in names if names.count(n) > 1}:
            out.append(f"Policy “{self.name}” has two stages named “{name}”.")
        for stage in self.stages:
            out.extend(_stage_problems(self.name, stage))
        return out


def _stage_problems(policy: str, stage: Stage) -> list[str]:
    where = f"Policy “{policy}”, stage “{stage.name}”"
    out = []
    if not stage.name.strip():
        out.append(f"Policy “{policy}”: a stage needs a name.")
    if len(stage.name) > MAX_STAGE_NAME:
        where = f"Policy “{policy}”, stage “{stage.name[:20]}…”"
        out.append(f"{where}: a stage name of up to {MAX_STAGE_NAME} characters.")
    if stage.reviewers.empty:
        out.append(f"{where}: name the reviewers (people, a group, a position or a manager).")
    if len(stage.reviewers.people) > MAX_PEOPLE:
        out.append(f"{where}: at most {MAX_PEOPLE} people.")
    if stage.rule.kind not in RULES:
        out.append(
            f"{where}: the rule is “all”, “any” or a number like 2, not “{stage.rule.kind}”."
        )
    if stage.rule.kind == N_OF_M and stage.rule.n < 1:
        out.append(f"{where}: a number of approvals is 1 or more.")
    r = stage.reviewers
    only_people = r.people and not (r.usergroup or r.author_manager or r.position or r.named)
    if stage.rule.kind == N_OF_M and only_people and stage.rule.n > len(set(r.people)):
        out.append(
            f"{where}: needs {stage.rule.n} approvals but names {len(set(r.people))} "
            "people; lower the number or name more people."
        )
    if stage.condition is not None:
        c = stage.condition
        if c.kind not in CONDITIONS:
            out.append(f"{where}: unknown condition “{c.kind}” (one of {', '.join(CONDITIONS)}).")
        if c.kind == TOUCHES_BRANCH and not c.key.strip():
            out.append(f"{where}: touches_branch names a position.")
        if c.n < 0:
            out.append(f"{where}: the condition's number is 0 or more.")
    if stage.deadline_days is not None and not 1 <= stage.deadline_days <= MAX_DEADLINE_DAYS:
        out.append(f"{where}: the deadline is 1 to {MAX_DEADLINE_DAYS} working days.")
    return out


DEFAULT_POLICY = Policy(
    name=DEFAULT_POLICY_NAME,
    description="Every reviewer the author names approves; one rejection rejects.",
    stages=(Stage(name="Review", reviewers=Reviewers(named=True), rule=Rule(ALL)),),
)


@dataclass(frozen=True)
class StoredPolicy:
    """A workspace's policy as stored: one version of it."""

    team_id: str
    policy: Policy
    is_default: bool = False
    updated_by: str | None = None
    versions: tuple[int, ...] = field(default=())
