"""Every point the seed article (shared/seeds/000_03e9d0cdf14c6094.txt) makes about the
COO and the Operations Director, each as phrases that must all appear in the answer to
`/role-compare COO vs Operations Director`. Our wording, the article's facts."""

SEED_POINTS: list[tuple[str, tuple[str, ...]]] = [
    # The COO
    (
        "COO is a senior executive over day-to-day operations",
        ("senior executive", "day-to-day operations"),
    ),
    (
        "COO aligns operations with strategic goals",
        ("aligned with the organization's strategic goals and objectives",),
    ),
    ("COO is often second-in-command", ("second-in-command",)),
    ("COO reports directly to the CEO", ("reports directly to the CEO",)),
    (
        "COO works with the CFO and CMO across departments",
        ("the CFO", "the CMO", "across departments"),
    ),
    ("COO's primary focus", ("optimize operations", "streamline processes", "overall efficiency")),
    (
        "COO duty: day-to-day operations aligned with goals",
        ("Oversees the company's day-to-day operations", "organization's goals"),
    ),
    (
        "COO duty: operational strategies for productivity and profitability",
        ("operational strategies", "productivity and profitability"),
    ),
    (
        "COO duty: streamlining processes, areas to improve",
        ("Streamlines business processes", "can do better"),
    ),
    (
        "COO duty: effective teams, collaboration across departments",
        ("Builds effective teams", "departments to work together"),
    ),
    (
        "COO duty: KPIs and performance improvements",
        ("key performance indicators (KPIs)", "improvements in performance"),
    ),
    ("COO duty: operational risks", ("operational risks", "reduce them")),
    # The Operations Director
    (
        "OD is hands-on over day-to-day execution",
        ("hands-on", "day-to-day execution of operational activities"),
    ),
    ("OD works with department managers and supervisors", ("department managers and supervisors",)),
    (
        "OD translates strategy into actionable plans",
        ("translates strategic objectives into actionable plans",),
    ),
    (
        "OD ensures resources, systems and processes",
        ("resources, systems and processes are in place",),
    ),
    (
        "OD works closely with the COO on strategy",
        ("Reports to the COO", "broader business strategy"),
    ),
    ("OD duty: operational plans and strategies", ("operational plans and strategies",)),
    (
        "OD duty: coordination and execution of day-to-day operations",
        ("Coordinates day-to-day operations", "carried out"),
    ),
    (
        "OD duty: budgets and resource allocation",
        ("operational budgets", "resources are allocated"),
    ),
    ("OD duty: regulatory compliance", ("regulatory requirements",)),
    (
        "OD duty: process improvements and efficiency measures",
        ("process improvements and efficiency measures",),
    ),
    ("OD duty: stakeholder relationships", ("relationships with key stakeholders",)),
    # The differences
    (
        "COO has the broader, strategic focus",
        ("COO is a strategic role", "aligned with the organization's overall goals"),
    ),
    ("COO decides at a higher level", ("higher level of decision-making",)),
    ("COO collaborates with other C-level executives", ("other C-level executives",)),
    (
        "OD executes plans so day-to-day tasks are done efficiently",
        ("day-to-day tasks done efficiently",),
    ),
    ("OD drives continuous improvement in its departments", ("continuous improvement within",)),
    ("COO oversees operations as a whole", ("operations as a whole",)),
    (
        "OD manages specific departments or functional areas",
        ("within specific departments or functional areas",),
    ),
    ("COO strategic level vs OD tactical approach", ("Operations Director is a tactical role",)),
    (
        "Both manage business operations (shared ground)",
        ("Where they overlap", "Day-to-day operations"),
    ),
]


def missing_points(text: str) -> list[str]:
    """The seed points whose phrases do not all appear in `text` (case-insensitive)."""
    flat = " ".join(text.split()).lower()
    return [
        name
        for name, phrases in SEED_POINTS
        if not all(" ".join(p.split()).lower() in flat for p in phrases)
    ]


def answer_and_full_view(fake, user: str, body: dict, *, channel: str = "general") -> str:
    """The text of a `/role-compare` answer (`body`, as acked) and of the full comparison
    its "Full comparison" button opens for `user` on the fake Slack: where every seed
    point must be."""
    from slackbot import ids
    from slackbot.blockkit.render import render_blocks

    [ephemeral] = fake.ephemerals(user, channel)
    fake.click(user, ephemeral, ids.OPEN_FULL_COMPARISON)
    fake.wait_for("views.open")
    view = fake.open_view(user)
    return "\n".join(
        render_blocks(blocks, width=10_000).text for blocks in (body["blocks"], view["blocks"])
    )
