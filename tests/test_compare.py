"""The comparison itself: attributes, differences, shared themes, unique duties."""

import itertools
import time

import pytest

from roles import compare, load_catalog

catalog = load_catalog()


def roles(*ids):
    return tuple(catalog[i] for i in ids)


def test_attributes_have_one_value_per_role():
    result = compare(catalog, roles("coo", "cfo", "cmo"))
    assert [row.label for row in result.attributes][:3] == ["What it is", "Level", "Focus"]
    assert all(len(row.values) == 3 for row in result.attributes)


def test_differences_name_the_reporting_line_between_the_roles():
    result = compare(catalog, roles("coo", "operations-director"))
    assert "The Operations Director typically reports to the COO" in " ".join(result.differences)


def test_no_level_sentence_when_levels_match():
    result = compare(catalog, roles("cfo", "cmo"))
    assert not any("higher level" in d for d in result.differences)


def test_shared_only_and_mainly_partition_every_responsibility():
    for a, b in itertools.combinations(
        ["coo", "operations-director", "cfo", "finance-director", "ceo", "project-manager"], 2
    ):
        result = compare(catalog, roles(a, b))
        shared_themes = {entry.theme for entry in result.shared}
        only = {d for _, duties in result.only for d in duties}
        mainly = {d for _, duties in result.mainly for d in duties}
        for role in result.roles:
            for duty in role.responsibilities:
                places = [duty.theme in shared_themes, duty in only, duty in mainly]
                assert places.count(True) == 1, (a, b, duty)


def test_three_roles_share_a_theme_two_of_them_cover():
    result = compare(catalog, roles("cfo", "finance-director", "cmo"))
    finance = next(e for e in result.shared if e.theme == "finance")
    assert [r.id for r, _ in finance.duties] == ["cfo", "finance-director"]


@pytest.mark.parametrize("count", [0, 1, 5])
def test_only_two_to_four_roles(count):
    with pytest.raises(ValueError, match="compare 2 to 4"):
        compare(catalog, tuple(catalog)[:count])


def test_the_same_role_twice_is_refused():
    with pytest.raises(ValueError, match="only once"):
        compare(catalog, roles("coo", "coo"))


def test_a_comparison_is_sub_millisecond_once_warm():
    pair = roles("coo", "operations-director")
    compare(catalog, pair)
    # this thread's CPU time, not the wall clock: other processes on a loaded machine
    # take the CPU from it without making a comparison any slower
    start = time.thread_time()
    for _ in range(1000):
        compare(catalog, pair)
    assert (time.thread_time() - start) / 1000 < 0.001
