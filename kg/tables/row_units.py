"""The unit and scale of a row's figures in a table whose rows are metrics.

Input: a row label and the metric it names, with the table's caption units
(:func:`kg.tables.units.caption_units`), the section heading's unit and the release's other
captions. Output: a :class:`RowUnit`: the unit code the figures are in and the factor that
takes them to base units. The label's own unit first ("(koz)", "(A$/oz)"), else the section
heading's ("(short tons)"), else the caption's, else the metric's own unit; a rate is never
scaled by a caption.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kg.tables.labels import read_label
from kg.tables.units import ONE, compatible, dimension
from kg.vocab import Metric, norm, unit_key

_SHARE_COUNT = re.compile(r"\b(?:number\s+of|weighted\s+average)\b.*\bshares\b|\bshares\s+outstanding\b")
_PAREN = re.compile(r"\([^()]*\)?")
_FINANCIAL_KINDS = {
    "highlights",
    "operations",
    "balance-sheet",
    "cash-flows",
    "reconciliation",
    "capital-additions",
}


@dataclass(frozen=True)
class RowUnit:
    code: str
    factor: Decimal
    guessed: bool = False


class RowUnits:
    """The unit methods of :class:`kg.tables.period_table.PeriodTable` (a mixin: they read the
    table reader's caption units, row context and release state)."""

    def _unit(self, raw: str, metric: Metric | None) -> RowUnit:
        """The unit and scale of a row's figures (see the module docstring)."""
        label = read_label(raw) if raw else None
        spec = label.unit if label else None
        heading = self.ctx.unit
        if metric is not None:
            code = metric.unit
            if spec is not None and spec.code and compatible(spec.code, code):
                # a unit without a scale of its own ("Divided by gold ounces produced" under
                # "(dollars and ounces in thousands)") takes the caption's
                return RowUnit(spec.code, spec.factor if spec.factor != ONE else self._scale(spec.code))
            if heading is not None and heading.code and compatible(heading.code, code):
                code = heading.code
            elif code == "TON" and label is not None and "tonne" in raw.lower():
                code = "TONNE"
            code = self._currency(code)
            factor = spec.factor if spec is not None and not spec.code else self._scale(code)
            return RowUnit(code, factor)
        if spec is not None and spec.code:
            return RowUnit(spec.code, spec.factor if spec.factor != ONE else self._scale(spec.code))
        code = self._guess(raw)
        factor = spec.factor if spec is not None else self._scale(code)
        return RowUnit(code, factor, guessed=True)

    def _scale(self, code: str) -> Decimal:
        factor = self.units.factor(code)
        if factor is not None:
            return factor
        if not self.units.scales and "-PER-" not in code:
            # a table that prints no scale line (production data) follows the release's convention
            # for money and share counts
            default = self.state.default_scale.get(dimension(code)) or self.state.default_scale.get(code)
            if default is not None and dimension(code) in ("currency", "count") and code != "NUMBER":
                return default
        return ONE

    def _currency(self, code: str) -> str:
        """A money unit in the currency the caption names ("(A$ millions)"), when it names one."""
        currency = self.units.currency
        if not currency or currency == "USD" or not dimension(code).startswith("currency"):
            return code
        swapped = currency + code[3:] if code.startswith("USD") else code
        return swapped if swapped in self.vocab.units else code

    def _guess(self, raw: str) -> str:
        """The unit of a row no metric names, from its words; money in a financial statement."""
        if "(" in raw:
            for paren in _PAREN.findall(raw):
                code = self.vocab.unit_labels.get(unit_key(paren))
                if code:
                    return code
        low = f"{raw} {self.ctx.family}".lower()
        rate = {
            "per-oz": "USD-PER-OZ",
            "per-lb": "USD-PER-LB",
            "per-ton": "USD-PER-TON",
            "per-share": "USD-PER-SHARE",
        }
        per = read_label(raw).per if raw else ""
        if per in rate:
            return rate[per]
        if "$/oz" in low or "per ounce" in low:
            return "USD-PER-OZ"
        if "per share" in low or "per common share" in low:
            return "USD-PER-SHARE"
        if "shares" in low and _SHARE_COUNT.search(low):
            return "SHARES"
        if "per ton" in low:
            return "USD-PER-TON"
        if "oz./ton" in low or "oz/ton" in low:
            return "OZ-PER-TON"
        if "(oz" in low or "ounces" in low:
            return "OZ"
        if "(tons" in low:
            return "TON"
        if "days" in low:
            return "DAY"
        if ("%" in low or "percent" in low) and not (self.table_metric or self.kind in _FINANCIAL_KINDS):
            return "PERCENT"
        if self.kind in _FINANCIAL_KINDS or "$" in raw or self.table_metric is not None:
            return "USD"
        return "NUMBER"

    def _basis(self, raw: str) -> str:
        key = f" {norm(raw)} "
        for term in self.vocab.price_bases:
            if any(f" {v} " in key for v in term.variants):
                return term.label
        return ""

    # ------------------------------------------------------------ observations
