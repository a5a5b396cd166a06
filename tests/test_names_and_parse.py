"""Turning typed text into roles: names, typos, separators, longest match."""

import pytest

from roles import load_catalog, parse_compare, resolve
from roles.names import normalize
from roles.parse import split_names

catalog = load_catalog()


@pytest.mark.parametrize(
    ("typed", "role_id"),
    [
        ("COO", "coo"),
        ("coo", "coo"),
        ("C.O.O.", "coo"),
        ("the COO", "coo"),
        ("Chief Operating Officer", "coo"),
        ("chief   operating officer!", "coo"),
        ("Operations Director", "operations-director"),
        ("ops director", "operations-director"),
        ("Director of Operations", "operations-director"),
        ("VP of Operations", "vp-operations"),
        ("Chief People Officer", "chro"),
        ("HR director", "hr-director"),
        ("GM", "general-manager"),
    ],
)
def test_exact_names(typed, role_id):
    resolution = resolve(catalog, typed)
    assert resolution.role is not None and resolution.role.id == role_id
    assert not resolution.corrected


@pytest.mark.parametrize(
    ("typed", "role_id"),
    [
        ("Opps Director", "operations-director"),
        ("cheif operating oficer", "coo"),
        ("Operations Directer", "operations-director"),
        ("Chief Finacial Officer", "cfo"),
    ],
)
def test_typos_are_corrected(typed, role_id):
    resolution = resolve(catalog, typed)
    assert resolution.role is not None and resolution.role.id == role_id
    assert resolution.corrected


def test_a_short_typo_is_only_suggested_never_guessed():
    # cfo / cto / cio are one letter apart and all real
    resolution = resolve(catalog, "cxo")
    assert resolution.role is None
    assert {r.id for r in resolution.suggestions} & {"cfo", "cto", "cio", "coo", "cmo"}


def test_ambiguous_names_list_candidates():
    resolution = resolve(catalog, "director")
    assert resolution.role is None and resolution.ambiguous
    # with 40+ roles, more titles end in "Director" than are shown; which of them come
    # first is the resolver's ranking (by function and level), not asserted here
    assert len(resolution.suggestions) >= 3
    assert all("director" in " ".join(r.names()).lower() for r in resolution.suggestions)


def test_nonsense_matches_nothing():
    resolution = resolve(catalog, "astronaut wrangler")
    assert resolution.role is None and resolution.suggestions == ()


def test_normalize():
    assert normalize("  The C.O.O.  ") == "coo"
    assert normalize("R&D Director") == "r and d director"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("COO vs Operations Director", ["COO", "Operations Director"]),
        ("coo vs. cfo", ["coo", "cfo"]),
        ("coo versus cfo", ["coo", "cfo"]),
        ("coo, cfo, cmo", ["coo", "cfo", "cmo"]),
        ("ops director and coo", ["ops director", "coo"]),
        ("coo / cfo", ["coo", "cfo"]),
        ("coo & cfo", ["coo", "cfo"]),
        ("coo operations director", ["coo", "operations director"]),
        ("coo cfo cmo", ["coo", "cfo", "cmo"]),
        ("VP of Operations vs Operations Manager", ["VP of Operations", "Operations Manager"]),
        ("coo opps director", ["coo", "opps director"]),
        ("Chief of Staff", ["Chief of Staff"]),
    ],
)
def test_split_names(text, names):
    assert split_names(catalog, text) == names


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "pick"),
        ("   ", "pick"),
        ("help", "help"),
        ("HELP", "help"),
        ("list", "list"),
        ("coo", "roles"),
        ("<!channel>", "help"),  # a mention alone is no role, and is never echoed back
        ("vs", "help"),
        ("<@U123ABC> vs", "help"),
    ],
)
def test_request_kinds(text, kind):
    assert parse_compare(catalog, text).kind == kind


def test_a_role_named_twice_is_noticed():
    request = parse_compare(catalog, "coo vs chief operating officer")
    assert [r.id for r in request.roles] == ["coo"]
    assert request.repeated
