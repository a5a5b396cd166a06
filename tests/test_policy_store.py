"""Review policies as TOML and in the database: import, export, versions, the default."""

import json
from datetime import UTC, datetime

import pytest

from slackbot import cli
from slackbot.policies.model import DEFAULT_POLICY, RESUME, TOUCHES_BRANCH
from slackbot.policies.repository import default_policy, list_policies, load_policy, save_policies
from slackbot.policies.toml_io import PolicyError, dump_policies, read_policies

T = "T0ACME01"
NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)

GROWTH = """
[[policies]]
name = "growth"
description = "Managers first; finance when it grows."
default = true
on_changes = "resume"

[[policies.stages]]
name = "Manager"
author_manager = true
named = true
rule = "any"

[[policies.stages]]
name = "Finance"
people = ["UCFO", "<@UCTRL>"]
rule = 1
when = { adds_positions_over = 3 }
deadline_days = 2
fallback = ["UFALL"]

[[policies.stages]]
name = "Ops leads"
usergroup = "S0OPS"
rule = 2
when = { touches_branch = "COO" }

[[policies]]
name = "small"

[[policies.stages]]
name = "Anyone"
named = true
rule = "any"
"""


def test_toml_reads_every_key_and_writes_it_back():
    policies = read_policies(GROWTH, source="growth.toml")
    (growth, default), (_small, small_default) = policies
    assert default and not small_default
    assert growth.on_changes == RESUME and [s.name for s in growth.stages] == [
        "Manager",
        "Finance",
        "Ops leads",
    ]
    finance = growth.stages[1]
    assert finance.reviewers.people == ("UCFO", "UCTRL")
    assert (finance.rule.kind, finance.rule.n, finance.condition.n) == ("n_of_m", 1, 3)
    assert (finance.deadline_days, finance.fallback) == (2, ("UFALL",))
    assert growth.stages[2].condition.kind == TOUCHES_BRANCH
    assert read_policies(dump_policies(policies), source="again") == policies


@pytest.mark.parametrize(
    "text,words",
    [
        ("not toml [", "not valid TOML"),
        ("name = 'x'", "[[policies]] table"),
        (
            "[[policies]]\nname = 'x'\ncolour = 'red'\n[[policies.stages]]\nname='s'\nnamed=true",
            "unknown key colour",
        ),
        (
            "[[policies]]\nname = 'x'\n[[policies.stages]]\nname='s'\nnamed=true\nrule='most'",
            "rule is all, any or a number",
        ),
        (
            "[[policies]]\nname = 'x'\n[[policies.stages]]\nname='s'\nnamed=true\nwhen={bigger=1}",
            "unknown condition bigger",
        ),
        ("[[policies]]\nname = 'x'\n[[policies.stages]]\nname='s'", "name the reviewers"),
        (
            "[[policies]]\nname = 'x'\n[[policies.stages]]\nname='s'\nnamed=true\n[[policies]]\nname = 'x'\n[[policies.stages]]\nname='s'\nnamed=true",
            "two policies named x",
        ),
        (
            "[[policies]]\nname = 'x'\n[[policies.stages]]\nname='s'\npeople='U1'",
            "list of user ids",
        ),
    ],
)
def test_toml_errors_name_the_place(text, words):
    with pytest.raises(PolicyError) as error:
        read_policies(text, source="p.toml")
    assert words in str(error.value) and str(error.value).startswith("p.toml")


def test_a_changed_policy_is_a_new_version_and_old_versions_stay(store):
    (growth, _), (small, _) = read_policies(GROWTH, source="g")
    with store.write() as db:
        first = save_policies(db, T, [(growth, True), (small, False)], by="U1", now=NOW, via="cli")
    assert [p.version for p in first] == [1, 1]
    with store.write() as db:  # the same text again: unchanged
        again = save_policies(db, T, [(growth, True)], by="U1", now=NOW, via="cli")
    assert again[0].version == 1
    edited = GROWTH.replace('name = "Finance"', 'name = "Money"')
    (growth2, _), _ = read_policies(edited, source="g")
    with store.write() as db:
        (stored,) = save_policies(db, T, [(growth2, False)], by="U2", now=NOW, via="slack")
    assert stored.version == 2
    db = store.db
    assert load_policy(db, T, "growth", 1).stages[1].name == "Finance"
    assert load_policy(db, T, "growth", 2).stages[1].name == "Money"
    assert load_policy(db, T, "growth").version == 2
    assert default_policy(db, T).name == "growth"  # still the default
    assert [(p.name, d) for p, d in list_policies(db, T)] == [("growth", True), ("small", False)]
    assert default_policy(db, "TOTHER") == DEFAULT_POLICY
    assert load_policy(db, T, None) == DEFAULT_POLICY
    with pytest.raises(PolicyError):
        load_policy(db, "TOTHER", "growth")


def test_cli_import_export_round_trip(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ORGBOT_DB", str(tmp_path / "orgbot.db"))
    source = tmp_path / "growth.toml"
    source.write_text(GROWTH)
    assert cli.main(["policies", "import", str(source), "--team", T, "--by", "dana"]) == 0
    assert (
        "imported 2 polic(ies) for T0ACME01: growth (version 1), small (version 1)"
        in capsys.readouterr().out
    )
    assert cli.main(["policies", "--team", T]) == 0
    listed = capsys.readouterr().out
    assert "growth (version 1): Manager → Finance → Ops leads  [default]" in listed
    out = tmp_path / "out.toml"
    assert cli.main(["policies", "export", "--team", T, "-o", str(out)]) == 0
    assert read_policies(out.read_text(), source="out") == read_policies(GROWTH, source="in")
    bad = tmp_path / "bad.toml"
    bad.write_text(GROWTH.replace("rule = 2", "rule = 'most'"))
    assert cli.main(["policies", "import", str(bad), "--team", T]) == 2
    err = capsys.readouterr().err
    assert "bad.toml, policy 1 (growth), stage 3: rule is all, any or a number" in err
    assert "nothing was imported" in err


def test_stored_body_is_the_toml_table_as_json(store):
    (growth, _), _ = read_policies(GROWTH, source="g")
    with store.write() as db:
        save_policies(db, T, [(growth, False)], by="U1", now=NOW, via="cli")
    body = json.loads(next(store.db.query("select body from review_policy_versions"))["body"])
    assert body["stages"][1]["when"] == {"adds_positions_over": 3}
