"""Issue 9, item 2: names resolve by meaning, never to a silent substitute."""

import json

import pytest

from roles import load_catalog, parse_compare, resolve
from roles.names import normalize
from slackbot.comparisons import answer_compare

catalog = load_catalog()


def ids(request):
    return [r.role.id if r.role else None for r in request.resolutions]


def test_product_manager_is_not_a_typo_of_project_manager():
    request = parse_compare(catalog, "Product Manager vs Project Manager")
    assert ids(request) == ["product-manager", "project-manager"]
    assert not request.repeated and not request.corrections


def test_chief_innovation_officer_is_not_the_cio():
    r = resolve(catalog, "Chief Innovation Officer")
    assert r.role is None and not r.ambiguous
    assert r.nearest_by == "function and level"
    assert [s.id for s in r.suggestions[:2]] == ["cto", "chief-strategy-officer"]
    text = json.dumps(answer_compare(catalog, "Chief Innovation Officer vs CTO").message)
    assert "is not in the catalog; nearest by function and level" in text


def test_business_operations_manager_stays_whole():
    request = parse_compare(catalog, "Business Operations Manager")
    assert ids(request) == ["business-operations-manager"]


def test_operations_lead_is_not_the_operations_director():
    r = resolve(catalog, "Operations Lead")
    assert r.role is None and not r.ambiguous
    assert {"operations-manager", "operations-director"} <= {s.id for s in r.suggestions}
    assert all(s.function == "operations" for s in r.suggestions)


@pytest.mark.parametrize(
    ("typed", "role_id"),
    [("General Counsel", "general-counsel"), ("Chief Risk Officer", "chief-risk-officer")],
)
def test_roles_once_offered_wrong_names_now_resolve(typed, role_id):
    assert resolve(catalog, typed).role.id == role_id


@pytest.mark.parametrize(
    ("text", "first_words"),
    [
        ("Deputy CEO", "Deputy CEO"),
        ("Deputy Operations Director", "Deputy Operations Director"),
        ("Vice President vs COO", "Vice President"),
        ("Chief Sustainability Officer vs CFO", "Chief Sustainability Officer"),
        ("Senior Operations Manager", "Senior Operations Manager"),
    ],
)
def test_unknown_multi_word_titles_stay_whole(text, first_words):
    request = parse_compare(catalog, text)
    assert request.resolutions[0].query == first_words


def test_a_bare_vice_president_asks_which_vp():
    r = parse_compare(catalog, "Vice President vs COO").resolutions[0]
    assert r.ambiguous and r.role is None
    assert {"vp-operations", "vp-sales", "vp-engineering"} <= {s.id for s in r.suggestions}


@pytest.mark.parametrize(
    "text",
    [
        "COO/OD",
        "COO / Operations Director",
        "COO v Operations Director",
        "COO v. Operations Director",
        "COO vs Operations Director",
        "COO vs. Operations Director",
        "COO versus Operations Director",
    ],
)
def test_every_separator_separates(text):
    assert ids(parse_compare(catalog, text)) == ["coo", "operations-director"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("CPO", {"chief-product-officer", "chro"}), ("CRO", {"cro", "chief-risk-officer"})],
)
def test_ambiguous_abbreviations_ask(typed, meant):
    r = resolve(catalog, typed)
    assert r.role is None and r.ambiguous
    assert {s.id for s in r.suggestions} == meant
    text = json.dumps(answer_compare(catalog, f"{typed} vs CFO").message)
    assert "could be" in text


def test_head_of_marketing_is_the_marketing_director_not_the_cmo():
    request = parse_compare(catalog, "Head of Marketing vs CMO")
    assert ids(request) == ["marketing-director", "cmo"] and not request.repeated


@pytest.mark.parametrize(
    ("typed", "role_id"),
    [
        ("Head of Operations", "operations-director"),
        ("Head of Marketing", "marketing-director"),
        ("Head of Sales", "vp-sales"),
        ("Head of Engineering", "vp-engineering"),
        ("Head of Finance", "finance-director"),
        ("Head of HR", "hr-director"),
        ("Head of People", "hr-director"),
        ("Head of Supply Chain", "supply-chain-director"),
    ],
)
def test_head_of_x_is_the_director_or_vp_level_of_x(typed, role_id):
    role = resolve(catalog, typed).role
    assert role is not None and role.id == role_id
    assert role.rank in (4, 5)


def test_head_of_a_function_without_such_a_role_is_answered_honestly():
    r = resolve(catalog, "Head of Strategy")
    assert r.role is None and r.suggestions[0].id == "chief-strategy-officer"


@pytest.mark.parametrize(
    ("typed", "role_id", "word"),
    [
        ("Interim CEO", "ceo", "interim"),
        ("Acting COO", "coo", "acting"),
        ("Group CFO", "cfo", "group"),
        ("Senior Project Manager", "project-manager", "senior"),
        ("SVP Sales", "vp-sales", "senior"),
    ],
)
def test_qualifiers_keep_the_role_and_say_so(typed, role_id, word):
    r = resolve(catalog, typed)
    assert r.role.id == role_id and r.corrected and word in r.note
    text = json.dumps(answer_compare(catalog, f"{typed} vs CMO").message)
    assert "qualifies the title without changing the role" in text


def _typos(word: str):
    for i in range(1, len(word) - 1):
        yield word[:i] + word[i + 1 :]  # a letter dropped
        yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped


def test_a_typo_never_turns_one_real_title_into_another():
    for role in catalog:
        for name in role.names():
            words = normalize(name).split()
            for n, word in enumerate(words):
                if len(word) < 4:
                    continue
                for typo in _typos(word):
                    typed = " ".join([*words[:n], typo, *words[n + 1 :]])
                    if catalog.names.is_name(typed):
                        continue  # a real name of its own (`cdao` -> `cao`)
                    r = resolve(catalog, typed)
                    assert r.role is None or r.role.id == role.id, (name, typed, r.role.id)


@pytest.mark.parametrize(
    ("typed", "function"),
    [
        ("Finance Manager", "finance"),
        ("Risk Manager", "risk"),
        ("Sales Manager", "sales"),
        ("Operations Coordinator", "operations"),
        ("Talent Acquisition Manager", "people"),
        ("Logistics Director", "supply-chain"),
    ],
)
def test_suggestions_are_ranked_by_function_and_level_first(typed, function):
    r = resolve(catalog, typed)
    assert r.role is None and r.nearest_by == "function and level"
    assert r.suggestions[0].function == function


def test_suggestions_prefer_the_nearest_level_within_the_function():
    r = resolve(catalog, "Finance Manager")
    assert [s.id for s in r.suggestions[:2]] == ["controller", "finance-director"]
    assert r.suggestions[2].id == "cfo"


@pytest.mark.parametrize("typed", ["VP", "SVP", "Vice President", "AVP"])
def test_a_level_alone_offers_the_roles_titled_at_that_level(typed):
    # the CISO and the chief of staff sit on the VP rung, but nobody calls them "VP"
    offered = [s.id for s in resolve(catalog, typed).suggestions]
    assert {"vp-engineering", "vp-operations", "vp-sales"} <= set(offered)
    assert "ciso" not in offered and "chief-of-staff" not in offered
