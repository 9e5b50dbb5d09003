"""The facts cache: bounded, and what a notebook keeps using stays in it."""

from jupyterlab_nbguard.engine.cache import FactsCache


def test_the_cache_stays_within_its_bound():
    cache = FactsCache(max_entries=4)
    for i in range(50):
        cache.facts(f"x{i} = {i}")
    assert len(cache) <= 4


def test_a_source_looked_up_in_every_check_is_never_analysed_again():
    cache = FactsCache(max_entries=4)
    kept = cache.facts("kept = 1")
    for i in range(50):
        cache.facts(f"typed_{i} = {i}")  # one new source per keystroke
        assert cache.facts("kept = 1") is kept


def test_facts_are_shared_by_identical_sources():
    cache = FactsCache()
    assert cache.facts("a = 1") is cache.facts("a = 1")
    assert cache.facts("a = 1") is not cache.facts("a = 2")
