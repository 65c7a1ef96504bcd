"""The narrative stage's document passes, declared: what each needs and what it gives.

Input: nothing (declarations) and, at load, the ontology's relation properties. Output:
:data:`PASSES`, checked by :func:`check_passes` when the stage starts, and :class:`Run`,
which the stage walks through in the declared order (a pass entered out of order raises).

The passes work on one document's blocks at once (a name found in one paragraph types it in
another, a heading's site is the topic of the prose under it), so they are declared here
rather than as spaCy components, which see one ``Doc`` (one block) at a time; the per-block
analysis (model, EntityRuler, sentencizer) is the spaCy pipeline of :mod:`kg.nlp.pipeline`.
Each declaration follows spaCy's ``requires``/``assigns`` convention, with names of the
stage's shared state ("ents", "people", "explicit", ...) instead of ``doc`` attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg.errors import ConfigError
from kg.facts import RELATION_PREDICATES
from kg.resources import data_dir


@dataclass(frozen=True)
class Pass:
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    doc: str = ""


# What the stage starts from: the blocks' entities from spaCy, their sentences (and the parse of
# those that print a figure), the header.
INPUTS = ("ents", "sentences", "parses", "meta", "blocks", "gazetteer")

PASSES: tuple[Pass, ...] = (
    Pass("dateline_places", ("ents",), ("ents",), "the dateline's town in capitals is a place"),
    Pass("ticker_exchanges", ("ents", "gazetteer"), ("ents",), "the exchange of an \"(EXCHANGE:TICKER)\" is an organisation"),
    Pass("company_mentions", ("ents", "meta"), ("ents", "company_forms"), "the releasing company by every name the header and its name give"),
    Pass("people", ("ents",), ("people",), "surname -> the person named in full"),
    Pass("site_roots", ("ents",), ("roots",), "sites' names without their head word"),
    Pass("prefer_explicit", ("ents", "gazetteer"), ("ents", "explicit"), "a bare name means the site the document names in full"),
    Pass("bare_names", ("explicit", "gazetteer"), ("bare",), "the bare names of the document's sites, as a pattern"),
    Pass("named_once", ("ents", "gazetteer"), ("named",), "places and organisations named somewhere, by every form"),
    Pass("heading_sites", ("ents", "blocks"), ("headings",), "a section heading's site: the topic of the prose under it"),
    Pass("entity_forms", ("ents", "people", "roots", "explicit", "bare", "named"), ("ents", "mentions"),
         "aliases, bare sites, regions, short names and anaphora, then the mentions"),
    Pass("sentence_relations", ("ents", "sentences", "headings", "company_forms"), ("relations", "figure_sentences"),
         "relations read sentence by sentence"),
    Pass("figure_topics", ("figure_sentences",), ("topics",),
         "what each subject's figures are about, from the figures that name their commodity"),
    Pass("prose_figures", ("figure_sentences", "parses", "topics", "meta"), ("observations",),
         "figures read clause by clause: quantity, cue, commodity, period, guidance, bound"),
    Pass("footnote_relations", ("ents", "blocks", "explicit"), ("relations",), "a table footnote's ore bodies are part of its row's site"),
    Pass("heading_relations", ("ents", "meta"), ("relations",), "a heading's share and operator"),
    Pass("table_production", ("blocks", "explicit"), ("relations",), "a production table's metals per mine"),
    Pass("named_after_site", ("ents", "explicit"), ("relations",), "a plant named after a mine is part of it"),
    Pass("contacts", ("meta",), ("mentions", "relations"), "the contact block's people and their posts"),
)


def check_passes(passes: tuple[Pass, ...] = PASSES) -> None:
    """Every pass's requirements are inputs or assigned by an earlier pass; names are unique."""
    available = set(INPUTS)
    seen: set[str] = set()
    for p in passes:
        if p.name in seen:
            raise ConfigError(f"narrative pass {p.name!r} is declared twice")
        seen.add(p.name)
        missing = [r for r in p.requires if r not in available]
        if missing:
            raise ConfigError(
                f"narrative pass {p.name!r} requires {', '.join(missing)}, which no earlier pass assigns; "
                f"move it after the pass that assigns them"
            )
        available.update(p.assigns)


@dataclass
class Run:
    """One document's walk through the declared passes, in order."""

    passes: tuple[Pass, ...] = PASSES
    done: list[str] = field(default_factory=list)

    def enter(self, name: str) -> None:
        names = [p.name for p in self.passes]
        if name not in names:
            raise ConfigError(f"narrative pass {name!r} is not declared in kg.nlp.passes.PASSES")
        if self.done and names.index(name) < names.index(self.done[-1]):
            raise ConfigError(f"narrative pass {name!r} runs after {self.done[-1]!r}, against the declared order")
        self.done.append(name)


@cache
def check_predicates(folder: str | None = None) -> None:
    """The relation predicates the rules may emit are a closed vocabulary: each must be a property
    of the ontology (``mkg:<predicate>`` in ``mining.ttl``)."""
    root = Path(folder) if folder else data_dir("ontology")
    text = (root / "mining.ttl").read_text(encoding="utf-8")
    missing = [p for p in RELATION_PREDICATES if not re.search(rf"(?m)^mkg:{p}\s+a\s+", text)]
    if missing:
        raise ConfigError(f"relation predicates not defined in mining.ttl: {', '.join(missing)}", doc="mining.ttl")


def check_predicate(predicate: str) -> str:
    if predicate not in RELATION_PREDICATES:
        raise ConfigError(f"relation predicate {predicate!r} is not one of {', '.join(RELATION_PREDICATES)}")
    return predicate
