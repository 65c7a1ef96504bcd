"""The facts cache: keys that change with everything that decides a file's facts, entries written
whole, damaged entries read as misses, and pruning."""

from __future__ import annotations

from pathlib import Path

from kg.cache import FactsCache, code_version, entry_key
from kg.settings import BuildLimits


def test_the_key_changes_with_the_name_the_bytes_the_limits_and_the_code() -> None:
    v = code_version()
    base = entry_key("a.txt", "d1", BuildLimits(), v)
    assert base == entry_key("a.txt", "d1", BuildLimits(), v)
    others = {
        entry_key("b.txt", "d1", BuildLimits(), v),
        entry_key("a.txt", "d2", BuildLimits(), v),
        entry_key("a.txt", "d1", BuildLimits(max_tables=3), v),
        entry_key("a.txt", "d1", BuildLimits(), v + "x"),
    }
    assert base not in others and len(others) == 4


def test_the_code_version_covers_the_sources_and_the_ontology() -> None:
    assert len(code_version()) == 64 and code_version() == code_version()


def test_entries_round_trip_damaged_ones_are_misses_and_prune_keeps_what_is_asked(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path / "c")
    cache.put("k1", {"facts": (1, 2)})
    cache.put("k2", [3])
    assert cache.get("k1") == {"facts": (1, 2)} and cache.get("missing") is None
    cache.path("k2").write_bytes(b"not a pickle")
    assert cache.get("k2") is None
    (cache.folder / ".entry.abc.tmp").write_bytes(b"half")  # left by a killed build
    assert cache.prune({"k1"}) == 1
    assert sorted(p.name for p in cache.folder.iterdir()) == ["k1.facts"]
