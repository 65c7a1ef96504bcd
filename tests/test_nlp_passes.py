"""Narrative passes declared in order; the closed predicate vocabulary; relations of other companies' phrasings."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import ConfigError
from kg.nlp.passes import PASSES, Pass, Run, check_passes, check_predicate, check_predicates

DATA = Path(__file__).resolve().parent / "data" / "nlp"


def test_declared_passes_are_in_an_order_that_gives_each_what_it_needs() -> None:
    check_passes()


def test_a_pass_before_what_it_needs_is_refused() -> None:
    moved = (PASSES[-1], Pass("needs_people", ("people",), ("x",)), *PASSES[:-1])
    with pytest.raises(ConfigError, match="requires people"):
        check_passes(moved)
    with pytest.raises(ConfigError, match="declared twice"):
        check_passes((*PASSES, PASSES[0]))


def test_a_pass_entered_out_of_order_is_refused() -> None:
    run = Run()
    run.enter("dateline_places")
    run.enter("people")
    with pytest.raises(ConfigError, match="against the declared order"):
        run.enter("company_mentions")
    with pytest.raises(ConfigError, match="not declared"):
        Run().enter("no_such_pass")


def test_predicates_are_the_ontologys(tmp_path: Path) -> None:
    check_predicates()
    assert check_predicate("ownershipInterest") == "ownershipInterest"
    with pytest.raises(ConfigError):
        check_predicate("ownsSomething")
    (tmp_path / "mining.ttl").write_text("mkg:locatedIn a owl:ObjectProperty .\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not defined in mining.ttl"):
        check_predicates.__wrapped__(str(tmp_path))


@pytest.fixture(scope="module")
def other_facts():  # type: ignore[no-untyped-def]
    from kg.ingest import read_document
    from kg.layout import segment
    from kg.nlp import extract_narrative

    doc = read_document(DATA / "other_company.txt")
    return extract_narrative([(doc, segment(doc))])[0]


def _rels(facts) -> set[tuple[str, str, str, str, str]]:  # type: ignore[no-untyped-def]
    # resolution joins "Quarry Hill Mine" (a heading) and "Quarry Hill mine"; compare case-blind
    return {(r.subject.label.lower(), r.predicate, (r.object.label if r.object else "").lower(), r.value, r.kind)
            for r in facts.relations}


def test_royalty_option_and_remaining_share(other_facts) -> None:  # type: ignore[no-untyped-def]
    rels = _rels(other_facts)
    assert ("marrowstone gold corporation", "ownershipInterest", "dunlin creek mine", "2.5", "royalty") in rels
    assert ("marrowstone gold corporation", "ownershipInterest", "keld property", "60", "option") in rels
    assert ("keld property", "jointVenturePartner", "tarnbrook resources ltd.", "", "") in rels
    assert ("marrowstone gold corporation", "ownershipInterest", "fenby minerals ltd.", "75", "") in rels
    assert ("fenby minerals ltd.", "subsidiaryOf", "marrowstone gold corporation", "", "") in rels
    assert ("fenby minerals ltd.", "ownershipInterest", "ossett mine", "100", "") in rels
    assert ("halsall holdings inc.", "ownershipInterest", "fenby minerals ltd.", "25", "") in rels
    assert ("dunlin creek mine", "operatedBy", "pellworth mining inc.", "", "") in rels


def test_heading_share_plant_metals_and_posts(other_facts) -> None:  # type: ignore[no-untyped-def]
    rels = _rels(other_facts)
    assert ("marrowstone gold corporation", "ownershipInterest", "quarry hill mine", "100", "equity") in rels
    assert ("quarry hill mill", "partOf", "quarry hill mine", "", "") in rels
    assert {("gold", "producedAt", "quarry hill mine"), ("silver", "producedAt", "quarry hill mine")} <= {r[:3] for r in rels}
    posts = {(r[0], r[2], r[4]) for r in rels if r[1] == "holdsPosition"}
    assert ("ingrid solberg", "chief financial officer", "") in posts
    assert ("thomas avery", "chief financial officer", "former") in posts
    assert ("ruth okonedo", "director, investor relations", "") in posts
    types = {(m.entity.label, m.entity.type) for m in other_facts.mentions}
    assert ("Pellworth Mining Inc.", "Company") in types and ("Halsall Holdings Inc.", "Company") in types
    assert ("New York Stock Exchange", "Organization") in types
