"""The role catalog: complete, consistent, and free of Slack."""

import subprocess
import sys
from pathlib import Path

import pytest

from roles import CatalogError, load_catalog
from roles.catalog import LEVELS, Catalog, role_from_dict

REQUIRED = {
    "coo", "operations-director", "ceo", "president", "cfo", "cmo", "cto", "cio", "chro",
    "cro", "chief-of-staff", "managing-director", "general-manager", "vp-operations",
    "operations-manager", "finance-director", "hr-director", "program-manager",
    "project-manager", "office-manager",
}  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_the_catalog_has_every_required_role(catalog):
    assert len(catalog) >= 20
    assert set(catalog.roles) >= REQUIRED


def test_every_role_is_complete(catalog):
    for role in catalog:
        assert role.title and role.summary and role.scope_note and role.reporting_note, role.id
        assert 5 <= len(role.responsibilities) <= 7, role.id
        assert role.kpis and role.signs_you_need and role.decision_horizon, role.id
        assert role.level in LEVELS


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
    assert len(coo.responsibilities) == len(od.responsibilities) == 6


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
