"""Graph: facts (dataclasses) → RDF. The only stage that mints IRIs and adds triples.

Input: DocumentFacts of every document and the Resolution; output: an rdflib
Dataset with one named graph per document plus a shared graph for resolved
entities, periods and minted metrics.
"""

from __future__ import annotations

from kg.graph.build import BuildInfo, build_dataset

__all__ = ["BuildInfo", "build_dataset"]
