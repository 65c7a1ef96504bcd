"""Narrative stage: prose of press releases → entity mentions, relations and prose figures.

Input: documents with their layout blocks. Output: :class:`kg.facts.DocumentFacts`.
spaCy is imported lazily by :mod:`kg.nlp.pipeline`; importing this package loads nothing.
"""

from __future__ import annotations

from kg.nlp.extract import extract_narrative

__all__ = ["extract_narrative"]
