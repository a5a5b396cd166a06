"""Issue 9, item 3: comparisons that say only what the catalog supports, over every pair."""

import itertools

import pytest

from roles import compare, load_catalog
from roles.compare import (
    BOTH,
    DIFFERENT_SCOPE,
    FOCUS,
    FUNCTIONS,
    LADDER,
    MAINLY,
    MAINLY_THEMES,
    ONLY,
    ONLY_THEMES,
    REPORTS_TO,
    RUNG,
    SAME_FUNCTION,
    SAME_RUNG,
    SCOPES,
)

catalog = load_catalog()
PAIRS = list(itertools.permutations(catalog.roles, 2))
SAMPLES_OF_FOUR = [
    ("coo", "vp-operations", "operations-director", "operations-manager"),
    ("ceo", "cfo", "finance-director", "controller"),
    ("cro", "cmo", "vp-sales", "marketing-director"),
    ("program-manager", "project-manager", "product-manager"),
]


def comparisons():
    for ids in [*PAIRS, *SAMPLES_OF_FOUR]:
        yield compare(catalog, tuple(catalog[i] for i in ids))


def test_every_pair_is_compared():
    assert len(PAIRS) >= 40 * 39


def test_only_never_lists_a_theme_another_compared_role_covers():
    for result in comparisons():
        for role, duties in result.only:
            for duty in duties:
                for other in result.roles:
                    if other is role:
                        continue
                    assert duty.theme not in other.themes, (result.title, duty.theme, other.id)
                    assert duty.theme in other.not_responsible_for, (result.title, duty.theme)
        for finding in result.findings:
            if finding.kind == ONLY_THEMES:
                (owner,) = finding.roles
                for other in result.roles:
                    if other.id != owner:
                        assert set(finding.themes) <= set(other.not_responsible_for)
                        assert not set(finding.themes) & other.themes


def test_every_theme_verdict_is_what_the_catalog_says():
    for result in comparisons():
        for entry in result.themes:
            owners = [r for r in result.roles if entry.theme in r.themes]
            assert list(entry.owners) == owners
            others = [r for r in result.roles if r not in owners]
            if len(owners) >= 2:
                assert entry.verdict in (BOTH, DIFFERENT_SCOPE)
                scopes = [s for _, s in entry.scopes]
                assert (entry.verdict == DIFFERENT_SCOPE) == (
                    all(scopes) and len(set(scopes)) > 1
                ), (result.title, entry.theme)
            elif all(entry.theme in r.not_responsible_for for r in others):
                assert entry.verdict == ONLY
            else:
                assert entry.verdict == MAINLY
            text = entry.verdict_text
            if text.startswith("Both"):
                assert len(result.roles) == len(owners) == 2
            if text.startswith(("Only", "Mainly")):
                assert text.endswith(owners[0].short_name) and len(owners) == 1


def _names(result, ids):
    return [catalog[i].short_name for i in ids]


def test_every_stock_sentence_fits_the_roles_it_is_used_for():
    """Each kind of key difference is used only where its condition holds, and names the
    right roles (e.g. "X typically reports to Y" only when the catalog says so)."""
    seen = set()
    for result in comparisons():
        roles = result.roles
        ids = {r.id for r in roles}
        for f in result.findings:
            seen.add(f.kind)
            assert set(f.roles) <= ids, f
            if f.kind == REPORTS_TO:
                low, top = (catalog[i] for i in f.roles)
                assert low.reports_to == top.id
                assert f.text == f"The {low.short_name} typically reports to the {top.short_name}."
            elif f.kind == LADDER:
                ranks = [catalog[i].rank for i in f.roles]
                assert ranks == sorted(ranks) and len(set(r.rank for r in roles)) > 1
                for i in f.roles:
                    rung = RUNG[catalog[i].rank][0]
                    assert rung in f.text or rung == catalog[i].title.lower(), f.text
                if " in between" in f.text:
                    top, low = (catalog[i] for i in f.roles)
                    assert top.function == low.function
            elif f.kind == SAME_RUNG:
                assert len({r.rank for r in roles}) == 1
                assert RUNG[roles[0].rank][1] in f.text
            elif f.kind == FOCUS:
                assert len({r.focus for r in roles}) > 1
                for r in roles:
                    assert (
                        f"{r.short_name} is a{'n' if r.focus[0] in 'aeiou' else ''} {r.focus} role that {r.focus_meaning}"
                        in f.text
                    )
            elif f.kind == SAME_FUNCTION:
                assert len({r.function for r in roles}) == 1
            elif f.kind == FUNCTIONS:
                assert len({r.function for r in roles}) > 1
            elif f.kind == SCOPES:
                for theme in f.themes:
                    scopes = [{d.scope for d in catalog[i].duties(theme)} for i in f.roles]
                    assert all(s and "" not in s for s in scopes)
                    assert len({frozenset(s) for s in scopes}) > 1
                    for i in f.roles:
                        assert theme in catalog[i].themes
            elif f.kind == MAINLY_THEMES:
                (owner,) = f.roles
                for other in roles:
                    if other.id != owner:
                        assert not set(f.themes) & other.themes
                assert set(f.themes) <= catalog[owner].themes
            elif f.kind == ONLY_THEMES:
                pass  # checked above
            else:  # pragma: no cover
                pytest.fail(f"unknown kind {f.kind}")
    assert seen >= {REPORTS_TO, LADDER, SAME_RUNG, FOCUS, SAME_FUNCTION, FUNCTIONS, SCOPES}
    assert seen >= {MAINLY_THEMES, ONLY_THEMES}


def test_a_direct_report_is_not_counted_rungs_below_its_manager():
    # "the COO a C-suite officer, two rungs lower" next to "the COO reports to the CEO"
    for a, b in ((catalog[x], catalog[y]) for x, y in PAIRS):
        if b.reports_to == a.id:
            for ladder in compare(catalog, (a, b)).findings:
                if ladder.kind == LADDER and " in between" not in ladder.text:
                    assert "lower" not in ladder.text, ladder.text
    [ceo_coo] = [
        f for f in compare(catalog, (catalog["ceo"], catalog["coo"])).findings if f.kind == LADDER
    ]
    assert ceo_coo.text == (
        "On the ladder the CEO is the head of the organization and the COO a C-suite officer."
    )


def test_no_finding_describes_a_role_by_its_own_title():
    # "the Chair of the Board is the chair of the board" says nothing
    for result in comparisons():
        for f in result.findings:
            text = f.text.lower()
            for r in result.roles:
                name, title = r.short_name.lower(), r.title.lower()
                assert f"the {name} is the {title}" not in text, f.text
                assert f"{name} ({title})" not in text, f.text


def test_key_differences_do_not_repeat_the_attribute_rows():
    for result in comparisons():
        values = [v for row in result.attributes for v in row.values]
        for f in result.findings:
            for role in result.roles:
                for own in (role.scope_note, role.reporting_note, role.decision_horizon):
                    assert own not in f.text, (result.title, f.text)
            assert all(f.text not in v for v in values)


def test_no_role_borrows_the_coos_wording():
    for result in comparisons():
        text = " ".join(result.differences) + " ".join(
            v for row in result.attributes[1:] for v in row.values
        )
        if "coo" not in result.role_ids:
            assert "organization's overall goals" not in text, result.title
            assert "keeps them aligned" not in text, result.title


def test_the_seed_pair_reads_as_the_article_says():
    result = compare(catalog, (catalog["coo"], catalog["operations-director"]))
    scoped = next(f for f in result.findings if f.kind == SCOPES)
    assert "the COO company-wide, the Operations Director within its departments" in scoped.text
    assert "performance measures and KPIs" in scoped.text
    assert not any(duties for _, duties in result.only)  # the article never says "never"
    verdicts = {e.theme: e.verdict for e in result.themes}
    assert verdicts["performance"] == DIFFERENT_SCOPE
    assert verdicts["budgets"] == MAINLY


def test_ceo_and_coo_overlap_and_cro_and_cmo_both_build_their_teams():
    ceo_coo = compare(catalog, (catalog["ceo"], catalog["coo"]))
    assert ceo_coo.shared
    cro_cmo = compare(catalog, (catalog["cro"], catalog["cmo"]))
    assert "talent" in {e.theme for e in cro_cmo.shared}


def test_only_is_said_where_the_catalog_excludes_the_theme():
    result = compare(catalog, (catalog["ceo"], catalog["project-manager"]))
    only = dict((r.id, {d.theme for d in duties}) for r, duties in result.only)
    assert {"strategy", "capital", "governance"} <= only["ceo"]
    assert "Only the CEO:" in " ".join(result.differences)
