"""The release's vocabulary read in a table's context: reserve categories, company-wide terms,
family rows that name a metric, the metric a row label names (memoised per release), the metals
a row's context names, and the code minted for a label no metric names.

A mixin of :class:`kg.tables.reader.TableReader`: it reads the reader's kind, row context and
release state.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.tables.context import strip_markers
from kg.tables.labels import minted_code, read_label
from kg.tables.metric_match import MatchContext, match
from kg.vocab import Metric, norm

_WORDS = re.compile(r"[a-z0-9]+")


class VocabularyInContext:
    """Vocabulary lookups of a table reader, in the context of the row being read."""

    def category(self, text: str) -> str:
        return self.vocab.category(norm(strip_markers(text)))

    def leading_category(self, text: str) -> str:
        """The category a caption opens with ("PROVEN AND PROBABLE RESERVES AT DECEMBER 31, 2010");
        only names of several words count, so "RESERVES AND RESOURCES" names no category."""
        key = norm(strip_markers(text))
        best = ("", "")
        for term in self.vocab.categories:
            for variant in term.variants:
                if (
                    " " in variant
                    and (key == variant or key.startswith(variant + " "))
                    and len(variant) > len(best[0])
                ):
                    best = (variant, term.code)
        return best[1]

    def _company_term(self, key: str) -> bool:
        padded = f" {key} "
        return any(f" {t} " in padded for t in self.vocab.company_terms)

    def family_metric(self, family: str) -> Metric | None:
        if family in self._family_metric_cache:
            return self._family_metric_cache[family]
        key = norm(strip_markers(family).rstrip(":- "))
        found = None
        for m in self.vocab.metrics:
            if key in m.families and (not m.tables or self.kind in m.tables):
                found = m
                break
        self._family_metric_cache[family] = found
        return found

    def match(self, raw: str) -> Metric | None:
        """The metric a row label names here (kg/tables/labels.py), memoised: by table kind, label
        and family row when the reading needed no metal of the context (most labels), else by
        section and subject too. Labels repeat from table to table."""
        ctx = self.ctx
        plain_key = (self.kind, raw, ctx.family)
        memo = self.state.label_metrics
        if plain_key in memo:
            return memo[plain_key]
        key = (*plain_key, ctx.section, ctx.subject.label)
        if key in memo:
            return memo[key]
        label = read_label(raw)
        known: list[list[str]] = []

        def metals() -> list[str]:  # worked out at most once, and only when a reading needs it
            if not known:
                known.append(self.context_metals(raw))
            return known[0]

        best = match(label, MatchContext(self.kind, ctx.family, metals), lambda m: True)
        if best is not None and best.cues:
            metal = label.metals[0] if label.metals else self.metal(raw)
            if metal:
                self.state.metal_of.setdefault(ctx.subject.label, metal)
        memo[key if known else plain_key] = best
        return best

    def context_metals(self, raw: str) -> list[str]:
        """The metals a row's context names, nearest first: its family row, section, the metal its
        subject's unit costs were for, the caption, then the release's main metal."""
        metal = self.metal(raw)
        out = [metal] if metal else []
        if self.state.main_metal and self.state.main_metal not in out:
            out.append(self.state.main_metal)
        for named in self.table_metals:  # the metals the table's own rows name
            if named not in out:
                out.append(named)
        return out

    @property
    def table_metals(self) -> list[str]:
        """The metals the table's row labels name, most named first ("Total PGM ounces produced",
        "Palladium produced" ...): what a per-ounce cost in a PGM producer's table is per."""
        cached = getattr(self, "_table_metals_cache", None)
        if cached is None:
            forms = self.vocab.label_terms.metals
            counts: dict[str, int] = {}
            for part in self.grid.parts:
                for ln in part.lines:
                    label = ln.row.label if ln.row is not None else ln.stripped
                    for word in _WORDS.findall(label.lower()):
                        metal = forms.get(word)
                        if metal:
                            counts[metal] = counts.get(metal, 0) + 1
            cached = self._table_metals_cache = sorted(counts, key=lambda m: (-counts[m], m))
        return cached

    def metal(self, raw: str) -> str:
        ctx = self.ctx
        for text in (raw, ctx.family, ctx.section):
            found = _first_metal(text, self.state.metals)
            if found:
                return found
        for label in reversed(ctx.section_labels):
            found = _first_metal(label, self.state.metals)
            if found and "divided" in label.lower():
                return found
        remembered = self.state.metal_of.get(ctx.subject.label, "")
        if remembered:
            return remembered
        return _first_metal(self.caption, self.state.metals)

    def mint(self, raw: str) -> str:
        return minted_code(self.kind, raw)


def _first_metal(text: str, metals: Sequence[str]) -> str:
    low = text.lower()
    best = ""
    pos = len(low) + 1
    for metal in metals:
        i = low.find(metal)
        if 0 <= i < pos:
            best, pos = metal, i
    return best
