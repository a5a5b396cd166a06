"""Workspace roles, unit by unit: the TOML format, validation with errors that name the
file and field, the overlay per workspace (another workspace never sees it), the cache,
and the history of changes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from roles import CatalogError, load_catalog
from roles.names import lookup
from slackbot.store import Store
from slackbot.workspace_roles import (
    CatalogProvider,
    dump_roles,
    read_roles,
    role_to_data,
    validate_roles,
)
from slackbot.workspace_roles.form import form_errors, read_role_form, role_form_request

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
ACME, OTHER = "T0ACME0001", "T0OTHER002"


def chapter_lead(**changes) -> dict:
    data = role_to_data(load_catalog()["project-manager"])
    data.update(id="chapter-lead", title="Chapter Lead", aliases=["chapter leader"])
    data.update(changes)
    return data


@pytest.fixture
def provider(store: Store) -> CatalogProvider:
    return CatalogProvider(store, load_catalog())


def test_every_shipped_role_survives_export_and_import_unchanged():
    shipped = load_catalog()
    text = dump_roles(role_to_data(r) for r in shipped)
    roles = validate_roles(shipped, read_roles(text, source="all.toml"))
    assert {r.id: r for r in roles} == dict(shipped.roles)


def test_a_single_role_file_in_the_shipped_format_reads_too():
    text = dump_roles([chapter_lead()]).replace("[[roles]]", "").replace("roles.", "")
    [(where, data)] = read_roles(text, source="chapter-lead.toml")
    assert where == "chapter-lead.toml" and data["id"] == "chapter-lead"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id = ", "x.toml: not valid TOML"),
        ("", "x.toml: holds no role"),
        ('id = "a"\n[[roles]]\nid = "b"', "x.toml: put every key inside a [[roles]] table"),
        ("roles = 3", "x.toml: `roles` must be an array of tables"),
    ],
)
def test_files_that_are_not_roles_are_refused_naming_the_file(text, message):
    with pytest.raises(CatalogError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_roles(text, source="x.toml")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"level": "boss"}, "`level` is 'boss', expected one of"),
        ({"id": "Chapter Lead"}, "`id` must be lowercase letters, digits and hyphens"),
        ({"title": 3}, "`title` must be a string"),
        ({"kpis": "speed"}, "`kpis` must be a list of strings"),
        ({"reports_to": "cvo"}, "`reports_to` is 'cvo', which is not a role id"),
        ({"works_with": ["coo", "cvo"]}, "`works_with` holds 'cvo', which is not a role id"),
        ({"title": "Chief Operating Officer"}, "`title` “Chief Operating Officer” already names"),
        ({"aliases": ["ops director"]}, "`aliases` “ops director” already names the Operations"),
        ({"responsibilities": [{"theme": "magic", "text": "x"}]}, "unknown theme 'magic'"),
    ],
)
def test_validation_names_the_file_the_role_and_the_field(changes, message):
    text = dump_roles([role_to_data(load_catalog()["coo"]), chapter_lead(**changes)])
    with pytest.raises(CatalogError) as caught:
        validate_roles(load_catalog(), read_roles(text, source="ours.toml"))
    assert str(caught.value).startswith("ours.toml, role 2 (")
    assert message in str(caught.value)


def test_roles_in_one_file_may_refer_to_each_other_but_not_repeat_an_id():
    lead = chapter_lead(reports_to="head-of-craft", works_with=["head-of-craft"])
    head = chapter_lead(id="head-of-craft", title="Head of Craft", aliases=[])
    roles = validate_roles(load_catalog(), [("a", lead), ("b", head)])
    assert [r.id for r in roles] == ["chapter-lead", "head-of-craft"]
    with pytest.raises(CatalogError, match="`id` 'chapter-lead' is used twice"):
        validate_roles(load_catalog(), [("a", chapter_lead()), ("b", chapter_lead())])


def test_a_workspace_role_shows_for_its_workspace_only(provider):
    provider.save(ACME, [("form", chapter_lead())], by="U1", now=NOW, via="slack")

    acme, other = provider.catalog_for(ACME), provider.catalog_for(OTHER)
    assert lookup(acme, "chapter leader").id == "chapter-lead"
    assert "chapter-lead" in acme.local and "coo" not in acme.local
    assert lookup(other, "chapter leader") is None and "chapter-lead" not in other
    assert other is load_catalog()
    assert "chapter-lead" not in load_catalog()


def test_the_same_id_overrides_a_shipped_role_for_that_workspace_only(provider):
    coo = role_to_data(load_catalog()["coo"]) | {"summary": "Runs our three plants."}
    provider.save(ACME, [("form", coo)], by="U1", now=NOW, via="slack")

    assert provider.catalog_for(ACME)["coo"].summary == "Runs our three plants."
    assert provider.catalog_for(OTHER)["coo"].summary != "Runs our three plants."
    assert load_catalog()["coo"].summary != "Runs our three plants."
    # its names still belong to it: no "already names" against the role it replaces
    assert lookup(provider.catalog_for(ACME), "COO").summary == "Runs our three plants."


def test_a_change_made_elsewhere_shows_on_the_next_lookup(tmp_path):
    """Two providers on one file stand for the bot and `orgbot roles import`."""
    bot_store, cli_store = Store(tmp_path / "o.db"), Store(tmp_path / "o.db")
    bot, cli = (
        CatalogProvider(bot_store, load_catalog()),
        CatalogProvider(cli_store, load_catalog()),
    )
    before = bot.catalog_for(ACME)
    assert bot.catalog_for(ACME) is before  # cached
    cli.save(ACME, [("x.toml", chapter_lead())], by="cli:ops", now=NOW, via="cli")
    after = bot.catalog_for(ACME)
    assert "chapter-lead" in after and bot.catalog_for(ACME) is after
    cli.remove(ACME, "chapter-lead", by="cli:ops", now=NOW, via="cli")
    assert "chapter-lead" not in bot.catalog_for(ACME)
    bot_store.close()
    cli_store.close()


def test_history_keeps_who_changed_what_and_when(provider):
    provider.save(ACME, [("form", chapter_lead())], by="U1", now=NOW, via="slack")
    later = NOW.replace(hour=11)
    provider.save(
        ACME, [("x", chapter_lead(summary="New words."))], by="cli:ops", now=later, via="cli"
    )

    [stored] = provider.roles.stored(ACME)
    assert (stored.updated_by, stored.updated_at, stored.via) == ("cli:ops", later, "cli")
    assert [(c.changed_by, c.changed_at, c.action) for c in provider.roles.history(ACME)] == [
        ("U1", NOW, "saved"),
        ("cli:ops", later, "saved"),
    ]


def test_a_bad_file_saves_nothing(provider):
    with pytest.raises(CatalogError):
        provider.save(
            ACME,
            [("a", chapter_lead()), ("b", chapter_lead(id="x", title="X", level="boss"))],
            by="U1",
            now=NOW,
            via="cli",
        )
    assert provider.roles.stored(ACME) == [] and provider.roles.revision(ACME) == 0


def test_a_removed_role_still_named_by_another_is_refused(provider):
    head = chapter_lead(id="head-of-craft", title="Head of Craft", aliases=[])
    lead = chapter_lead(reports_to="head-of-craft")
    provider.save(ACME, [("a", head), ("b", lead)], by="U1", now=NOW, via="cli")
    with pytest.raises(CatalogError, match="still named in `reports_to`"):
        provider.remove(ACME, "head-of-craft", by="U1", now=NOW, via="cli")


def test_a_stored_role_that_no_longer_passes_is_skipped_not_fatal(provider, store, caplog):
    provider.save(ACME, [("a", chapter_lead())], by="U1", now=NOW, via="slack")
    with store.write() as db:
        db.execute('update workspace_roles set data = \'{"id": "chapter-lead"}\'')
        db["workspace_role_changes"].insert(
            {
                "team_id": ACME,
                "role_id": "x",
                "action": "saved",
                "changed_by": "U1",
                "changed_at": NOW.isoformat(),
                "via": "test",
            }
        )
    with caplog.at_level(logging.WARNING, logger="orgbot.roles"):
        catalog = provider.catalog_for(ACME)
    assert "chapter-lead" not in catalog and "coo" in catalog
    assert "skipping a stored role: workspace T0ACME0001, role chapter-lead" in caplog.text


# --- the modal ---------------------------------------------------------------------------


def form_values(data: dict) -> dict:
    values = {}
    for key, value in data.items():
        if key in ("level", "focus", "scope", "function", "rank"):
            state = {"type": "static_select", "selected_option": {"value": value}}
        else:
            state = {"type": "plain_text_input", "value": value}
        values[key] = {"value": state}
    return values


FORM = {
    "id": "chapter-lead",
    "title": "Chapter Lead",
    "summary": "Leads a chapter.",
    "function": "people",
    "rank": "6",
    "level": "middle",
    "focus": "tactical",
    "scope": "department",
    "reports_to": "the board",
    "works_with": "COO, ops director",
    "aliases": "chapter leader, craft lead",
    "kpis": "retention\n• growth",
    "responsibilities": "people: Grows the chapter's people.\nbudgets: Plans the training budget. | one chapter",
}


def test_the_form_reads_into_a_role_file_and_the_loader_accepts_it(provider):
    result = read_role_form(
        form_values(FORM),
        catalog=load_catalog(),
        check=lambda entries: provider.check(ACME, entries),
    )
    assert result.errors == {}
    data = result.data
    assert data["reports_to"] == "board"
    assert data["works_with"] == ["coo", "operations-director"]
    assert data["aliases"] == ["chapter leader", "craft lead"]
    assert data["kpis"] == ["retention", "growth"]
    assert data["responsibilities"][1] == {
        "theme": "budgets",
        "text": "Plans the training budget.",
        "scope": "one chapter",
    }
    assert result.role.title == "Chapter Lead"


@pytest.mark.parametrize(
    ("changes", "block", "words"),
    [
        ({"title": ""}, "title", "`title` is required"),
        ({"title": "Operations Director"}, "title", "`title` “Operations Director” already"),
        ({"aliases": "ops director"}, "aliases", "`aliases` “ops director” already"),
        ({"reports_to": "Chief Vibes Officer"}, "reports_to", "is not a role here"),
        ({"works_with": "the board"}, "works_with", "is not a role here"),
        ({"responsibilities": "grows people"}, "responsibilities", "line 1: write"),
        ({"responsibilities": "x: y"}, "responsibilities", "“x” is not a theme"),
        ({"rank": "high"}, "rank", "`rank` must be a whole number"),
        ({"id": "no spaces"}, "id", "`id` must be lowercase"),
    ],
)
def test_each_mistake_in_the_form_lands_on_its_field(provider, changes, block, words):
    result = read_role_form(
        form_values({**FORM, **changes}),
        catalog=load_catalog(),
        check=lambda entries: provider.check(ACME, entries),
    )
    assert list(result.errors) == [block]
    assert words in result.errors[block]


def test_loader_errors_go_to_the_field_they_name():
    assert form_errors(CatalogError("form: `level` is 'x'")) == {"level": "`level` is 'x'"}
    assert list(form_errors(CatalogError("form: unknown theme 'x'"))) == ["responsibilities"]
    assert list(form_errors(CatalogError("form: something else"))) == ["title"]


@pytest.mark.parametrize(
    ("text", "mode", "name"),
    [
        ("add", "add", ""),
        ("Add  Project Manager", "add", "Project Manager"),
        ("edit COO", "edit", "COO"),
    ],
)
def test_add_and_edit_open_the_modal(text, mode, name):
    request = role_form_request(text)
    assert (request.mode, request.name) == (mode, name)


@pytest.mark.parametrize("text", ["COO vs CFO", "address", "editor vs coo", ""])
def test_everything_else_is_a_comparison(text):
    assert role_form_request(text) is None
