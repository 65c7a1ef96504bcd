"""Prose figures (kg.nlp.figures): sentences written for the test, read without a parse (the
blank pipeline's way) and with the model's parse, and the sample corpus's own cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kg.facts import EntityRef
from kg.nlp.figures import FigureContext, find_figures
from kg.nlp.model import Sentence, Tok

CASES = Path(__file__).parent / "data" / "nlp" / "figures.tsv"
COMPANY = EntityRef("Acme Mining Corp.", "Company")


def _cases() -> list[tuple[str, str, str]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            release, text, *expected = line.split("\t")
            rows.append((release, text, expected[0] if expected else ""))
    return rows


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _context(release: str) -> FigureContext:
    period, _, fy = release.partition("|")
    start, end = period.split("..")
    fy_end = tuple(int(x) for x in fy.split("-")) if fy else None
    return FigureContext("x.txt", COMPANY, _day(end), {}, None, _day(start), fy_end)  # type: ignore[arg-type]


def _expected(spec: str) -> set[tuple]:
    out = set()
    for item in filter(None, (x.strip() for x in spec.split(";"))):
        metric, value, unit, period, *flags = item.split()
        start, end = period.split("..")
        options = dict(f.split("=", 1) for f in flags if "=" in f)
        out.add((metric, Decimal(value), unit, _day(start), _day(end), "est" in flags,
                 "lower" if "lower" in flags else "upper" if "upper" in flags else "",
                 options.get("cat", ""), int(options["dec"]) if "dec" in options else None))
    return out


def _got(s: Sentence, ctx: FigureContext, decimals: set[int | None]) -> set[tuple]:
    out = set()
    for o in find_figures(s, ctx, lambda pos: 1):
        out.add((o.metric, o.value, o.unit, o.period.start, o.period.end, o.estimate, o.bound, o.category,
                 o.decimals if decimals != {None} else None))
    return out


def _parsed(text: str) -> Sentence:
    from kg.nlp.pipeline import PARSE, get_pipeline

    nlp, model = get_pipeline()
    if "parser" not in nlp.pipe_names:
        pytest.skip("no spaCy model installed (make test installs it)")
    [doc] = nlp.pipe([text], disable=[p for p in nlp.pipe_names if p not in PARSE])
    tokens = tuple(Tok(t.idx, t.idx + len(t.text), t.text, t.lemma_, t.pos_, t.tag_, t.dep_, t.head.i) for t in doc)
    return Sentence(text=text, ents=(), tokens=tokens)


@pytest.mark.parametrize("parse", [False, True], ids=["words", "parse"])
@pytest.mark.parametrize(("release", "text", "spec"), _cases(), ids=[c[1][:40] for c in _cases()])
def test_prose_figure(release: str, text: str, spec: str, parse: bool) -> None:
    want = _expected(spec)
    decimals = {w[-1] for w in want}
    if not all(d is not None for d in decimals):  # compare decimals only where the case states them
        want = {(*w[:-1], None) for w in want}
    s = _parsed(text) if parse else Sentence(text=text, ents=())
    got = _got(s, _context(release), decimals)
    if None in decimals or not decimals:
        got = {(*g[:-1], None) for g in got}
    assert got == want


def test_the_case_file_covers_what_the_issue_asks() -> None:
    text = CASES.read_text(encoding="utf-8")
    for form in ("GEOs", "AgEq", "AISC", "C1", "tonnes per day", "Mt", "billion pounds", "koz", "(a non-GAAP measure)",
                 "compared to the same period in 2012", "respectively", "more than", "nearly", "approximately",
                 "expects", "will", "fiscal" if "|" in text else "|"):
        assert form in text, form


def test_a_sample_release_dates_a_year_by_its_possessive() -> None:
    """The bundled corpus: "an improvement over 2002's average total cash cost of $4.97 per ounce"
    is the 2002 figure, and the 2003 figure of its sentence stays 2003."""
    from kg.ingest import read_document
    from kg.layout import segment
    from kg.nlp import extract_narrative
    from kg.resources import sample_corpus

    [path] = [p for p in sample_corpus().iterdir() if p.name.startswith("002_")]
    doc = read_document(path)
    [facts] = extract_narrative([(doc, segment(doc))])
    costs = {(o.value, o.period.start, o.period.end) for o in facts.observations
             if o.metric == "total-cash-cost-per-oz-silver" and o.source.line in (125, 126)}
    assert (Decimal("4.97"), date(2002, 1, 1), date(2002, 12, 31)) in costs
    assert (Decimal("4.86"), date(2003, 1, 1), date(2003, 12, 31)) in costs


def test_a_result_in_an_outlook_paragraph_is_a_result() -> None:
    """Guidance comes from the verb, not from where the sentence stands: the past tense reports."""
    ctx = _context("2006-01-01..2006-12-31")
    context = "Outlook for 2007. The company expects to produce 6 million ounces of silver in 2007."
    s = Sentence(text="In 2006 the Owl mine produced 2.6 million ounces of silver.", ents=())
    [obs] = find_figures(s, ctx, lambda pos: 1, context=context)
    assert not obs.estimate and obs.period.end == date(2006, 12, 31)


def test_a_figure_whose_line_is_unknown_is_not_cited() -> None:
    s = Sentence(text="The Owl mine produced 2.6 million ounces of silver in 2006.", ents=())
    assert list(find_figures(s, _context("2006-01-01..2006-12-31"), lambda pos: 0)) == []
