"""Mining knowledge-graph builder: results releases in, a checked RDF graph out.

Stages (one direction of flow, see the README):
ingest → layout → tables / nlp → facts → resolve → graph → validate / store / query / export / serve / viz / report.
"""

from __future__ import annotations

__version__ = "0.1.0"
