"""The role catalog: complete, consistent, and free of Slack."""

import subprocess
import sys
from pathlib import Path

import pytest

from roles import CatalogError, load_catalog
from roles.catalog import LEVELS, RANKS, Catalog, role_from_dict

REQUIRED = {
    "coo", "operations-director", "ceo", "president", "cfo", "cmo", "cto", "cio", "chro",
    "cro", "chief-of-staff", "managing-director", "general-manager", "vp-operations",
    "operations-manager", "finance-director", "hr-director", "program-manager",
    "project-manager", "office-manager",
}  # fmt: skip
NEW_ROLES = {  # issue 9: the roles people compare all the time
    "product-manager", "chief-product-officer", "vp-engineering", "engineering-manager",
    "controller", "general-counsel", "vp-sales", "chief-data-officer", "chief-strategy-officer",
    "chief-customer-officer", "hr-manager", "hr-business-partner", "marketing-director",
    "business-operations-manager", "chief-administrative-officer", "executive-director",
    "supply-chain-director", "plant-manager", "facilities-manager", "chief-risk-officer",
    "deputy-ceo", "chair-of-the-board",
}  # fmt: skip
REQUIRED |= NEW_ROLES


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_the_catalog_has_every_required_role(catalog):
    assert len(catalog) >= 40
    assert set(catalog.roles) >= REQUIRED


def test_the_new_roles_sit_on_the_ladder(catalog):
    rank = {role.id: role.rank for role in catalog}
    assert rank["chair-of-the-board"] == 0 and rank["executive-director"] == 1
    assert rank["deputy-ceo"] == 2 and rank["general-counsel"] == 3
    assert rank["cto"] < rank["vp-engineering"] < rank["engineering-manager"]
    assert rank["cmo"] < rank["marketing-director"] and rank["cro"] < rank["vp-sales"]
    assert rank["product-manager"] == rank["hr-business-partner"] == 7
    assert catalog["product-manager"].level == "individual-contributor"
    for role_id in ("controller", "supply-chain-director", "plant-manager"):
        assert rank[role_id] == 5, role_id
    for role_id in NEW_ROLES:
        role = catalog[role_id]
        if role.reports_to != "board":
            assert catalog[role.reports_to].rank < role.rank, role.id


def test_new_names_reach_the_right_role(catalog):
    from roles.names import lookup

    for name, role_id in {
        "Head of Engineering": "vp-engineering",
        "Head of Sales": "vp-sales",
        "Head of Marketing": "marketing-director",
        "VP of Marketing": "marketing-director",
        "Chief Legal Officer": "general-counsel",
        "CLO": "general-counsel",
        "EVP": "deputy-ceo",
        "Executive Vice President": "deputy-ceo",
        "Chairman": "chair-of-the-board",
        "HRBP": "hr-business-partner",
    }.items():
        role = lookup(catalog, name)
        assert role is not None and role.id == role_id, name
    # ambiguous abbreviations ask instead of picking one role
    from roles.names import resolve

    for name, ids in {
        "CPO": {"chief-product-officer", "chro"},
        "CRO": {"chief-risk-officer", "cro"},
    }.items():
        resolution = resolve(catalog, name)
        assert resolution.role is None and resolution.ambiguous, name
        assert {r.id for r in resolution.suggestions} == ids, name


def test_every_role_is_complete(catalog):
    for role in catalog:
        assert role.title and role.summary and role.scope_note and role.reporting_note, role.id
        assert 5 <= len(role.responsibilities) <= 7, role.id
        assert role.kpis and role.signs_you_need and role.decision_horizon, role.id
        assert role.level in LEVELS
        assert role.function in catalog.functions and role.rank in RANKS, role.id


def test_roles_share_themes_where_their_work_overlaps(catalog):
    assert {"finance", "budgets"} <= catalog["cfo"].themes & catalog["finance-director"].themes
    assert {"daily-operations", "process-improvement", "operational-planning"} <= (
        catalog["coo"].themes & catalog["operations-director"].themes
    )


def test_the_seed_roles_are_as_the_article_describes(catalog):
    coo, od = catalog["coo"], catalog["operations-director"]
    assert (coo.level, coo.focus, coo.scope, coo.reports_to) == (
        "executive", "strategic", "whole organization", "ceo",
    )  # fmt: skip
    assert (od.level, od.focus, od.scope, od.reports_to) == (
        "senior", "tactical", "department", "coo",
    )  # fmt: skip
    assert {"ceo", "cfo", "cmo"} <= set(coo.works_with)
    assert {"department managers", "supervisors"} <= set(od.works_with_others)
    # the article's six duties each; the OD's seventh is the article's "achieve operational
    # objectives and drive continuous improvement within their respective departments"
    assert len(coo.responsibilities) == 6 and len(od.responsibilities) == 7
    assert {d.scope for d in od.responsibilities} == {"", "within its departments"}


def test_onet_codes(catalog):
    assert (catalog["coo"].onet_code, catalog["coo"].onet_title) == (
        "11-1011.00",
        "Chief Executives",
    )
    assert catalog["operations-director"].onet_code == "11-1021.00"
    for role in catalog:
        if role.onet_code:
            assert len(role.onet_code) == 10 and role.onet_code[2] == "-", role.id
            assert role.onet_title, role.id


def test_a_malformed_role_is_refused_with_the_reason(catalog):
    data = {
        "id": "x", "title": "X", "abbreviation": "", "aliases": [], "level": "galactic",
        "function": "operations", "rank": 3,
        "focus": "strategic", "scope": "team", "scope_note": "", "reports_to": "board",
        "reporting_note": "", "works_with": [], "works_with_others": [], "summary": "",
        "decision_horizon": "", "kpis": [], "signs_you_need": [], "onet_code": "",
        "onet_title": "", "responsibilities": [{"theme": "strategy", "text": "t"}],
    }  # fmt: skip
    with pytest.raises(CatalogError, match="level"):
        role_from_dict(data, themes=catalog.themes)
    data["level"] = "executive"
    data["responsibilities"] = [{"theme": "juggling", "text": "t"}]
    with pytest.raises(CatalogError, match="unknown theme 'juggling'"):
        role_from_dict(data, themes=catalog.themes)


def test_a_dangling_reference_is_refused(tmp_path, catalog):
    source = Path(__file__).parent.parent / "roles" / "catalog"
    (tmp_path / "themes.toml").write_text((source / "themes.toml").read_text())
    text = (source / "coo.toml").read_text()
    (tmp_path / "coo.toml").write_text(text)
    with pytest.raises(CatalogError, match="unknown role"):
        Catalog.from_directory(tmp_path)


def test_roles_never_import_slack():
    source = Path(__file__).parent.parent / "roles"
    for path in source.glob("*.py"):
        text = path.read_text()
        assert "slack_bolt" not in text and "slack_sdk" not in text, path
    code = (
        "import sys, roles; from roles import compare, load_catalog, parse_compare;"
        "c = load_catalog(); compare(c, parse_compare(c, 'coo vs cfo').roles);"
        "print(sorted(m for m in sys.modules if m.startswith(('slack_bolt', 'slack_sdk', 'slackbot'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _valid_role(**changes) -> dict:
    data = {
        "id": "x", "title": "X", "abbreviation": "", "aliases": [], "level": "senior",
        "function": "operations", "rank": 5, "focus": "tactical", "scope": "department",
        "scope_note": "", "reports_to": "coo", "reporting_note": "", "works_with": [],
        "works_with_others": [], "summary": "", "decision_horizon": "", "kpis": [],
        "signs_you_need": [], "onet_code": "", "onet_title": "",
        "responsibilities": [{"theme": "budgets", "text": "t", "scope": "departmental"}],
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"function": "juggling"}, "`function` is 'juggling'"),
        ({"function": None}, "`function` must be a string"),
        ({"rank": 9}, "`rank` must be a whole number"),
        ({"rank": "3"}, "`rank` must be a whole number"),
        ({"rank": True}, "`rank` must be a whole number"),
        ({"not_responsible_for": ["juggling"]}, "`not_responsible_for` has unknown theme"),
        ({"not_responsible_for": "budgets"}, "`not_responsible_for` must be a list"),
        ({"not_responsible_for": ["budgets"]}, "which the role's own responsibilities cover"),
        ({"focus_note": 3}, "`focus_note` must be a string"),
        (
            {"responsibilities": [{"theme": "budgets", "text": "t", "scope": 1}]},
            "`scope` must be a string",
        ),
    ],
)
def test_new_fields_are_validated_naming_the_field(catalog, changes, message):
    with pytest.raises(CatalogError, match=message.replace("(", r"\(")):
        role_from_dict(_valid_role(**changes), themes=catalog.themes, source="x.toml")


def test_new_fields_are_read(catalog):
    role = role_from_dict(
        _valid_role(level="individual-contributor", rank=7, not_responsible_for=["strategy"]),
        themes=catalog.themes,
    )
    assert (role.level, role.rank, role.function) == ("individual-contributor", 7, "operations")
    assert role.not_responsible_for == ("strategy",)
    assert role.responsibilities[0].scope == "departmental"


def test_with_roles_overlays_without_changing_the_shipped_catalog(catalog):
    own = role_from_dict(_valid_role(id="ops-lead", title="Operations Lead"), themes=catalog.themes)
    changed = role_from_dict(_valid_role(id="coo", title="Chief Ops"), themes=catalog.themes)
    workspace = catalog.with_roles([own, changed])
    assert (
        workspace["ops-lead"].title == "Operations Lead" and workspace["coo"].title == "Chief Ops"
    )
    assert catalog["coo"].title == "Chief Operating Officer" and "ops-lead" not in catalog
    assert workspace.local == {"ops-lead", "coo"}
    assert workspace.names is not catalog.names
    dangling = role_from_dict(_valid_role(id="y", reports_to="nobody"), themes=catalog.themes)
    with pytest.raises(CatalogError, match="unknown role 'nobody'"):
        catalog.with_roles([dangling])


def test_the_ladder_is_ordered_by_rank(catalog):
    ladder = ["coo", "vp-operations", "operations-director", "operations-manager"]
    ranks = [catalog[i].rank for i in ladder]
    assert ranks == sorted(set(ranks)), ranks
    assert catalog["project-manager"].level == "individual-contributor"
    assert catalog["project-manager"].rank == 7


def test_head_of_x_names_the_director_or_vp_level(catalog):
    for role in catalog:
        for alias in role.aliases:
            if alias.lower().startswith("head of"):
                assert role.rank in (4, 5), (role.id, alias)


def test_every_shipped_role_says_what_its_focus_means_in_its_own_words(catalog):
    notes = [role.focus_note for role in catalog]
    assert all(notes) and len(set(notes)) == len(notes)
    for role in catalog:
        if role.id != "coo":
            assert "overall goals" not in role.focus_meaning, role.id
