"""A small grammar of job titles: seniority words and function words.

`read_title("Chief Innovation Officer")` says "innovation, rank 3 (C-suite)"; `names.resolve`
uses that reading to answer an unknown title honestly ("not in the catalog; nearest by
function and level: ...") and to refuse typo corrections that would change the meaning
("Product" is not a typo of "Project": they read as different functions).

Pure and table-driven; the words are normalized the way `roles.names.normalize` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Phrases (normalized, up to three words) -> function key of functions.toml.
FUNCTION_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("operations", "operation", "operating", "operational", "ops", "site"),
        "operations",
    ),
    **dict.fromkeys(
        (
            "finance",
            "financial",
            "accounting",
            "accounts",
            "accountant",
            "accountancy",
            "treasury",
            "treasurer",
            "fp and a",
            "fpa",
        ),
        "finance",
    ),
    **dict.fromkeys(
        (
            "people",
            "hr",
            "human resources",
            "human resource",
            "personnel",
            "talent",
            "workforce",
            "people and culture",
            "recruiter",
            "recruiting",
            "recruitment",
            "talent acquisition",
            "people operations",
            "people ops",
        ),
        "people",
    ),
    **dict.fromkeys(
        (
            "engineering",
            "engineer",
            "engineers",
            "software",
            "r and d",
            "research and development",
            "tech lead",
        ),
        "engineering",
    ),
    **dict.fromkeys(
        (
            "technology",
            "tech",
            "it",
            "information technology",
            "technical",
            "information",
            "systems",
            "digital",
            "infrastructure",
        ),
        "technology",
    ),
    **dict.fromkeys(
        ("product", "products", "product management", "design", "ux", "product design"), "product"
    ),
    **dict.fromkeys(
        (
            "sales",
            "selling",
            "commercial",
            "business development",
            "bd",
            "account",
            "account management",
            "account executive",
        ),
        "sales",
    ),
    **dict.fromkeys(
        ("marketing", "brand", "growth", "communications", "comms", "demand generation"),
        "marketing",
    ),
    **dict.fromkeys(("revenue", "go to market", "gtm"), "revenue"),
    **dict.fromkeys(
        ("legal", "counsel", "law", "compliance", "lawyer", "attorney", "general counsel"),
        "legal",
    ),
    **dict.fromkeys(("data", "analytics", "bi", "insights", "ai", "data science"), "data"),
    **dict.fromkeys(
        ("strategy", "strategic", "planning", "corporate development", "transformation"),
        "strategy",
    ),
    **dict.fromkeys(
        (
            "customer",
            "customers",
            "client",
            "clients",
            "customer success",
            "cx",
            "customer experience",
            "service",
            "services",
            "support",
        ),
        "customer",
    ),
    **dict.fromkeys(
        ("security", "infosec", "cyber", "cybersecurity", "information security"), "security"
    ),
    **dict.fromkeys(("risk", "risks", "enterprise risk"), "risk"),
    **dict.fromkeys(("administration", "admin", "administrative", "office"), "administration"),
    **dict.fromkeys(
        (
            "project",
            "projects",
            "program",
            "programme",
            "programs",
            "delivery",
            "pmo",
            "scrum",
            "scrum master",
            "agile",
        ),
        "project-delivery",
    ),
    **dict.fromkeys(
        (
            "supply chain",
            "supply",
            "logistics",
            "procurement",
            "purchasing",
            "sourcing",
            "distribution",
            "warehouse",
        ),
        "supply-chain",
    ),
    **dict.fromkeys(
        ("manufacturing", "production", "plant", "factory", "quality"), "manufacturing"
    ),
    **dict.fromkeys(
        ("facilities", "facility", "workplace", "estates", "buildings", "property"),
        "facilities",
    ),
    **dict.fromkeys(
        (
            "non executive director",
            "ned",
            "board member",
            "board director",
            "trustee",
            "independent director",
        ),
        "governance",
    ),
    **dict.fromkeys(
        ("governance", "board", "chair", "chairman", "chairwoman", "chairperson", "board chair"),
        "governance",
    ),
    **dict.fromkeys(("controller", "comptroller", "financial controller"), "finance"),
    **dict.fromkeys(("innovation", "new ventures", "ventures"), "innovation"),
    **dict.fromkeys(
        (
            "business",
            "general",
            "company",
            "organization",
            "ceo",
            "president",
            "founder",
            "managing director",
            "executive director",
            "chief executive",
            "md",
            "managing partner",
            "country manager",
        ),
        "general",
    ),
}
# Words that name a part of a function, not all of it: the head of talent, of comms or of
# quality is not the function's director ("Head of X" maps to that only for X the whole).
PART_WORDS = frozenset(
    {
        "talent",
        "recruiter",
        "recruiting",
        "recruitment",
        "talent acquisition",
        "people operations",
        "people ops",
        "communications",
        "comms",
        "brand",
        "demand generation",
        "site",
        "quality",
        "procurement",
        "purchasing",
        "sourcing",
        "logistics",
        "distribution",
        "warehouse",
        "accounting",
        "accounts",
        "treasury",
        "support",
        "service",
        "services",
        "infrastructure",
        "systems",
        "digital",
        "compliance",
        "analytics",
        "insights",
        "bi",
        "ai",
        "scrum",
        "agile",
    }
)
# "general" is not a function of its own: words that only say "the business as a whole".
GENERAL = "general"

# Phrases -> rank on the ladder (see roles/catalog/README.md); lower is more senior. The
# lowest rank found in a title wins ("Chief ... Officer" is 3, not the 7 of "officer").
RANK_WORDS: dict[str, float] = {
    **dict.fromkeys(
        (
            "chair",
            "chairman",
            "chairwoman",
            "chairperson",
            "board chair",
            "non executive director",
            "ned",
            "board member",
            "board director",
            "trustee",
            "independent director",
        ),
        0,
    ),
    **dict.fromkeys(
        (
            "ceo",
            "president",
            "founder",
            "managing director",
            "executive director",
            "chief executive",
            "managing partner",
        ),
        1,
    ),
    **dict.fromkeys(("evp", "executive vice president", "executive vp"), 2),
    **dict.fromkeys(("chief", "cxo", "c suite", "csuite", "c level", "clevel"), 3),
    "md": 1,
    **dict.fromkeys(
        ("svp", "senior vice president", "senior vp", "vp", "vice president", "avp"), 4
    ),
    "head": 4.5,
    **dict.fromkeys(
        ("director", "dir", "controller", "comptroller", "financial controller", "treasurer"), 5
    ),
    "general counsel": 3,
    **dict.fromkeys(
        ("manager", "mgr", "lead", "leader", "supervisor", "team lead", "tech lead"), 6
    ),
    "country manager": 4,
    **dict.fromkeys(
        (
            "partner",
            "specialist",
            "analyst",
            "coordinator",
            "officer",
            "associate",
            "administrator",
            "consultant",
            "advisor",
            "adviser",
            "engineer",
            "account executive",
            "scrum master",
            "coach",
            "scientist",
            "member",
            "accountant",
            "generalist",
            "recruiter",
            "counsel",
            "lawyer",
            "attorney",
        ),
        7,
    ),
}
# Words that say someone is one step below the title they qualify.
STEP_DOWN = {"deputy", "assistant", "associate", "vice"}
# Words that qualify a title without changing the role: an interim CEO is a CEO.
MODIFIERS = {
    "senior",
    "sr",
    "interim",
    "acting",
    "group",
    "global",
    "regional",
    "corporate",
    "principal",
    "junior",
    "jr",
}
CONNECTORS = {"of", "and", "for", "to", "in", "at", "on"}
LONGEST_PHRASE = 3


@dataclass(frozen=True)
class TitleReading:
    """What the grammar understood of a title.

    `functions` are function keys (best first), `rank` the estimated ladder position
    (None when no seniority word was found), `modifiers` the words that qualify without
    changing the role (`interim`), `stepped` whether a word like `deputy` lowers the rank,
    and `unknown` the words the grammar does not know.
    """

    functions: tuple[str, ...] = ()
    rank: float | None = None
    modifiers: tuple[str, ...] = ()
    stepped: bool = False
    unknown: tuple[str, ...] = ()
    general: bool = False

    @property
    def meaning(self) -> tuple[frozenset[str], float | None]:
        """What must stay the same for two spellings to be the same title."""
        return frozenset(self.functions), self.rank

    @property
    def understood(self) -> bool:
        return bool(self.functions) or self.rank is not None


def read_title(words: Iterable[str]) -> TitleReading:
    """Read normalized words as a title: `["head", "of", "sales"]` -> sales, rank 4.5."""
    words = list(words)
    functions: list[str] = []
    ranks: list[float] = []
    modifiers: list[str] = []
    unknown: list[str] = []
    stepped = general = False
    i = 0
    while i < len(words):
        for n in range(min(LONGEST_PHRASE, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            is_rank = phrase in RANK_WORDS and (n > 1 or phrase not in STEP_DOWN)
            is_function = phrase in FUNCTION_WORDS
            if is_rank:
                ranks.append(RANK_WORDS[phrase])
            if is_function:
                key = FUNCTION_WORDS[phrase]
                if key == GENERAL:
                    general = True
                elif key not in functions:
                    functions.append(key)
            if is_rank or is_function:
                break
            if n == 1:
                if phrase in STEP_DOWN:
                    stepped = True
                elif phrase in MODIFIERS:
                    modifiers.append(phrase)
                elif phrase not in CONNECTORS:
                    unknown.append(phrase)
        i += n
    rank = min(ranks) if ranks else None
    if stepped and rank is not None:
        rank = min(rank + 1, 7)
    if general and not functions and rank is not None and rank <= 6:
        functions.append("general-management")
    return TitleReading(
        functions=tuple(functions),
        rank=rank,
        modifiers=tuple(modifiers),
        stepped=stepped,
        unknown=tuple(unknown),
        general=general,
    )


def grammar_vocabulary() -> frozenset[str]:
    """Every single word the grammar knows."""
    words: set[str] = set(MODIFIERS) | STEP_DOWN | CONNECTORS
    for phrase in (*FUNCTION_WORDS, *RANK_WORDS):
        words.update(phrase.split())
    return frozenset(words)
