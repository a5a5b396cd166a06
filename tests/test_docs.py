"""The docs keep up with the code: every CLI command is documented, links resolve."""

import re
from pathlib import Path

from slackbot.cli import build_parser

ROOT = Path(__file__).parent.parent


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


def test_every_command_has_a_section_in_docs_cli():
    text = (ROOT / "docs" / "cli.md").read_text()
    headings = re.findall(r"^## `orgbot (\w+)", text, flags=re.M)
    assert sorted(headings) == commands()


def test_every_command_is_in_the_readme_table():
    text = (ROOT / "README.md").read_text()
    for name in commands():
        assert f"`orgbot {name}" in text, name


def test_local_links_resolve():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text()):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_the_quick_start_is_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start")[1].split("```sh")[1].split("```")[0]
    assert [line.split("#")[0].strip() for line in quick.strip().splitlines()] == [
        "make sandbox",
        "make test",
    ]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
