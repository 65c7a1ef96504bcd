"""Row labels read: a printed label → the set of canonical words it is compared by.

Input: a row label, column header or family row as printed ("Gold produced (koz) (51%)",
"Cost of sales (exclusive of depreciation)", "AISC, after by-product credits, per silver
ounce"). Output: a :class:`Label`: its words, the metals it names, the unit it prints, the
shares and basis in its parentheticals. :mod:`kg.tables.metric_match` compares labels with the
metric vocabulary, whose labels go through the same reading.

Labels and the metrics' altLabels (``ontology/metrics.ttl``) go through one normaliser, so the
two sides always agree: case, punctuation and word order aside; footnote markers, shares
("(51%)") and unit parentheticals taken out (the unit is kept apart); parentheticals that only
name the other sign ("(loss)", "(used in)") dropped; plurals made singular; words put in the
canonical form, abbreviations spelt out and noise words left out as ``table-terms.ttl`` says;
"per ounce" and a printed rate ("$/oz") both as the word ``per-oz``. Nothing is matched on a
near miss: a label whose words are not exactly a metric's is left unmapped (and minted).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from kg.tables.units import UnitSpec, parse_unit
from kg.vocab import LabelTerms, norm, vocabulary

_PAREN = re.compile(r"\(([^()]*)\)?")
_MARKERS = re.compile(r"\(\s*\d{1,2}\s*\)|\*+")
# "Add:", "Less:" open a reconciliation's lines; what follows is the line's name
_OPERATOR = re.compile(r"^\s*(?:add|less|deduct|plus|minus)\b\s*:?\s*(?=\S)", re.I)
_MARKER = re.compile(r"^\s*(?:\d{1,2}|[a-z]|\*+)\s*$")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9']*|\d+(?:\.\d+)?%?|[$%¢&]")
# Quantity words a label may print instead of a parenthetical unit ("Gold ounces produced"): they
# say the unit, not the metric. Money and per-unit words are handled apart.
_QUANTITY_UNITS = {
    "oz": "OZ", "ounce": "OZ", "ounces": "OZ", "koz": "OZ", "moz": "OZ",
    "ton": "TON", "tons": "TON",
    "tonne": "TONNE", "tonnes": "TONNE", "kt": "TONNE", "mt": "TONNE",
    "lb": "LB", "lbs": "LB", "pound": "LB", "pounds": "LB", "mlb": "LB", "mlbs": "LB",
}  # fmt: skip
_PER_BASES = {
    "oz": "oz", "ounce": "oz", "ounces": "oz",
    "ton": "ton", "tons": "ton", "tonne": "ton", "tonnes": "ton", "t": "ton",
    "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb",
    "share": "share", "shares": "share", "day": "day", "days": "day",
}  # fmt: skip
_PER_OF_UNIT = {
    "OZ": "oz",
    "KG": "oz",  # a cost per kilogram of metal (R/kg) is the cost per ounce printed in other units
    "TON": "ton",
    "TONNE": "ton",
    "LB": "lb",
    "SHARE": "share",
    "DAY": "day",
}
# The word a label's "(100% basis)" adds: metrics whose altLabels say it (gold-produced-100pct) are
# told from the attributable ones by it; a label matching none with it is read without it.
BASIS_100 = "basis-100pct"
_COUNTED = frozenset(
    {"sold", "produced", "payable", "milled", "processed", "mined", "contained", "recovered"}
)


@dataclass(frozen=True)
class Label:
    """A row label, read."""

    text: str
    words: frozenset[str]  # canonical content words, metals and "per-…" included
    core: frozenset[str]  # the same without the words of qualifying parentheticals
    metals: tuple[str, ...]  # metals the label names, in order
    unit: UnitSpec | None  # the unit it prints ("(koz)", "($/oz)", "Tons ...")
    per: str  # "per-oz" when its printed unit is a rate per ounce
    percents: tuple[Decimal, ...]  # percentages in its parentheticals, as fractions ("(51%)")
    basis: str  # "100%" for "(100%)" / "(100% basis)", "attributable" when said so

    @property
    def share(self) -> Decimal | None:
        """The share a row's figures reflect: a percentage below 100 printed with the label."""
        below = [p for p in self.percents if p < 1]
        return below[0] if below else None


def _stem(word: str) -> str:
    """Singular of a plural label word (consistent on both sides, not a dictionary's)."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    return word[:-1]


_UNIT_COLUMN = re.compile(r"^(?P<name>\S.*\S)\s{2,}(?P<unit>[^\s()]+(?: [^\s()]+)*)\s*$")
# a unit symbol after a label's last word: it prints a sign ("A$m", "US$/oz", "g/t", "000'oz") or is
# a short symbol ("kg", "Mt", "Rm"); an English word there ("Total tonnes") or a unit the label
# speaks of ("Cash cost per lb") stays the label's
_UNIT_LAST = re.compile(
    r"^(?P<name>\S.*[A-Za-z)])(?<!\b[Pp]er)(?<!\bin)\s(?P<unit>\S*[$/'\u2019%]\S*|[A-Za-z]{1,2}\d?)\s*$"
)


class Normaliser:
    """The one normaliser of labels and altLabels (built once per vocabulary)."""

    def __init__(self, terms: LabelTerms) -> None:
        self.terms = terms
        self.forms = terms.forms
        self.noise = terms.noise
        # multiword phrases of every kind, longest first: (tokens, kind, value)
        phrases: list[tuple[tuple[str, ...], str, str]] = []
        for form, canonical in terms.forms.items():
            phrases.append((tuple(form.split()), "form", canonical))
        for abbr, words in terms.abbreviations.items():
            phrases.append((tuple(abbr.lower().replace("&", " and ").split()), "abbr", words))
        for name, metal in terms.metals.items():
            phrases.append((tuple(name.split()), "metal", metal))
        for noise in terms.noise:
            if " " in noise:
                phrases.append((tuple(noise.split()), "noise", ""))
        self.multi = sorted((p for p in phrases if len(p[0]) > 1), key=lambda p: -len(p[0]))
        self.first_words = {p[0][0] for p in self.multi}
        self.single_abbr = {
            tuple(a.lower().replace("&", " and ").split())[0]: w
            for a, w in terms.abbreviations.items()
            if len(a.split()) == 1 and "&" not in a
        }
        self.amp_abbr = {
            a.lower().replace("&", "and").replace(" ", ""): w
            for a, w in terms.abbreviations.items()
            if "&" in a
        }

    def read(self, text: str) -> Label:
        """Read a label (callers go through :func:`read_label`, which memoises)."""
        label_text = text
        whole = parse_unit(text) if len(text) <= 20 and not _UNIT_COLUMN.match(text) else None
        if whole is not None and whole.code and not whole.rest:
            # a row that prints only a unit ("000 oz" under "Gold produced   kg"): the row above
            # in another unit
            return Label(label_text, frozenset(), frozenset(), (), whole, _per_of(whole), (), "")
        unit: UnitSpec | None = None
        per = ""
        column = unit_column(text)
        if column is not None:
            text, unit = column
            per = _per_of(unit)
        text = _OPERATOR.sub("", text)
        percents: list[Decimal] = []
        basis = ""
        metals: list[str] = []
        qualifiers: list[str] = []
        for m in _PAREN.finditer(text):
            inner = m.group(1).strip()
            if not inner or _MARKER.match(inner):
                continue
            found = [Decimal(p) / 100 for p in _PERCENT.findall(inner)]
            if found:
                percents.extend(found)
                low = inner.lower()
                if (
                    "basis" in low
                    and any(p == 1 for p in found)
                    or (found == [Decimal(1)] and len(inner) <= 6)
                ):
                    basis = "100%"
                continue
            low = inner.lower()
            if low in ("attributable", "attributable basis", "equity basis", "company share"):
                basis = "attributable"
                continue
            if low in self.terms.sign_words or all(w in self.terms.sign_words for w in re.split(r"\s+", low)):
                continue
            # "(PGM oz/ton)", "($/lb payable copper)": metals apart, the rest may be a unit
            words_in = inner.split()
            inner_metals = [self._metal(w) for w in words_in if self._metal(w)]
            unit_text = " ".join(w for w in words_in if not self._metal(w))
            spec = parse_unit(unit_text) if unit_text else None
            if spec is None and low.startswith("per "):
                per = self._per(low.split()[1:]) or per
                metals.extend(inner_metals)
                continue
            if spec is not None:
                unit = unit or spec
                metals.extend(inner_metals)
                metals.extend(self._metal(w) for w in spec.rest.split() if self._metal(w))
                per = per or _per_of(spec)
                continue
            qualifiers.append(inner)
        main = _PAREN.sub(" ", text)
        tokens, main_metals, inline_unit, inline_per = self._tokens(main)
        metals = main_metals + [x for x in metals if x not in main_metals]
        if basis == "100%":
            tokens.append(BASIS_100)
        # metals printed with a unit ("(PGM oz/ton)") are words of the label too
        tokens += [x for x in metals if x not in tokens]
        core = self._words(tokens)
        extra: list[str] = []
        for q in qualifiers:
            q_tokens, q_metals, _, _ = self._tokens(q)
            extra.extend(q_tokens)
            metals.extend(x for x in q_metals if x not in metals)
        words = core | self._words(extra) if extra else core
        if unit is None and inline_unit is not None and inline_per:
            # "Tons milled per day": a quantity over a day is a rate (TON-PER-DAY), when the
            # vocabulary has the rate; a quantity per ounce or share says nothing of the unit
            rate = f"{inline_unit.code}-PER-{inline_per[4:].upper()}"
            inline_unit = UnitSpec(rate) if rate in vocabulary().units else None
        unit = unit or inline_unit
        per = per or inline_per
        if unit is not None and per and vocabulary().unit_dimensions.get(unit.code) == "currency":
            # "Net earnings per share (US$)": a currency printed with a rate's words is the rate's
            rate = f"{unit.code}-PER-{per[4:].upper()}"
            unit = UnitSpec(rate, unit.factor) if rate in vocabulary().units else unit
        if "percent" in words and len(words) > 1 and unit is None:
            unit = UnitSpec("PERCENT")
        return Label(
            label_text,
            frozenset(words),
            frozenset(core),
            tuple(dict.fromkeys(metals)),
            unit,
            per,
            tuple(percents),
            basis,
        )

    def _metal(self, word: str) -> str:
        w = word.strip(".,;:")
        return self.terms.metal_symbols.get(w) or self.terms.metals.get(w.lower(), "")

    def _per(self, words: Sequence[str]) -> str:
        for w in words:
            w = w.strip(".,;:")
            if w in _PER_BASES:
                return "per-" + _PER_BASES[w]
            if self.terms.metals.get(w) or w in self.terms.noise or w in _COUNTED:
                continue  # "per silver ounce", "per ounce sold"
            break
        return ""

    def _tokens(self, text: str) -> tuple[list[str], list[str], UnitSpec | None, str]:
        """Canonical tokens of unparenthesised text, the metals it names, an inline unit and an
        inline "per-…" word."""
        raw = _TOKEN.findall(text.replace("&", " & "))
        out: list[str] = []
        metals: list[str] = []
        unit: UnitSpec | None = None
        per = ""
        i = 0
        n = len(raw)
        while i < n:
            tok = raw[i]
            if "'" in tok:  # "stockholders'", "Hecla's"
                tok = tok.split("'", 1)[0] if tok.endswith(("'s", "'S")) else tok.rstrip("'")
            low = tok.lower()
            # "G&A", "D&A", "M&I": letters joined by "&"
            if i + 2 < n and raw[i + 1] == "&":
                joined = (tok + "and" + raw[i + 2]).lower()
                if joined in self.amp_abbr:
                    out.extend(self.amp_abbr[joined].split())
                    i += 3
                    continue
            if low in self.first_words:
                hit = self._phrase(raw, i)
                if hit is not None:
                    length, kind, value = hit
                    if kind == "metal":
                        metals.append(value)
                        out.append(value)
                    elif kind != "noise":
                        out.extend(value.split())
                    i += length
                    continue
            if tok in self.terms.metal_symbols or low in self.terms.metals:
                metal = self._metal(tok)
                metals.append(metal)
                out.append(metal)
            elif low == "per" and i + 1 < n:
                found = self._per([r.lower() for r in raw[i + 1 : i + 4]])
                if found:
                    out.append(found)
                    per = per or found
                    # skip to the unit word (metals before it are kept as metals)
                    j = i + 1
                    while j < n and raw[j].lower() not in _PER_BASES:
                        if self._metal(raw[j]):
                            metals.append(self._metal(raw[j]))
                            out.append(self._metal(raw[j]))
                        j += 1
                    i = j + 1
                    continue
                out.append(low)
            elif low in _QUANTITY_UNITS and not (low == "mt" and tok == "mt"):
                spec = parse_unit(tok)
                unit = unit or spec or UnitSpec(_QUANTITY_UNITS[low])
            elif tok in ("$", "¢", "&"):
                pass
            elif tok == "%" or low == "percent":
                unit = unit or UnitSpec("PERCENT")
            elif low in self.single_abbr:
                out.extend(self.single_abbr[low].split())
            else:
                out.append(self.forms.get(low) or self.forms.get(_stem(low)) or _stem(low))
            i += 1
        return out, metals, unit, per

    def _phrase(self, raw: Sequence[str], i: int) -> tuple[int, str, str] | None:
        lows = [r.lower() for r in raw[i : i + 6]]
        for tokens, kind, value in self.multi:
            k = len(tokens)
            if tuple(lows[:k]) == tokens:
                return k, kind, value
        return None

    def _words(self, tokens: Iterable[str]) -> frozenset[str]:
        words = [w for t in tokens for w in t.split()]
        kept = frozenset(w for w in words if w not in self.noise)
        return kept or frozenset(words)


def _per_of(spec: UnitSpec) -> str:
    if "-PER-" not in spec.code:
        return ""
    den = spec.code.split("-PER-", 1)[1]
    return "per-" + _PER_OF_UNIT.get(den, den.lower())


@cache
def normaliser() -> Normaliser:
    return Normaliser(vocabulary().label_terms)


@lru_cache(maxsize=16384)  # labels repeat from table to table and release to release
def read_label(text: str) -> Label:
    """A row label, column header or family row read by the one normaliser."""
    return normaliser().read(text)


def unit_column(label: str) -> tuple[str, UnitSpec] | None:
    """A label that ends in a unit column, split: ("Ore milled", 000 tonnes) of "Ore milled
    000 tonnes" (a unit column between the label and the numbers), also after one blank when the
    label is long ("Sustaining capital expenditure A$m"); None when it ends in no whole unit."""
    column = _UNIT_COLUMN.match(label) or _UNIT_LAST.match(label)
    if column is None:
        return None
    spec = parse_unit(column.group("unit"))
    if spec is None or not spec.code or spec.rest:
        return None
    return column.group("name"), spec


def minted_code(kind: str, label: str) -> str:
    """The code minted for a row label no metric names: ``x-{kind}-{words}``."""
    # norm() leaves words of [a-z0-9] between single blanks
    column = unit_column(label)
    if column is not None:  # "Grade mined     g/t": the unit is not part of what the row reports
        label = column[0]
    slug = norm(_unit_free(label)).replace(" ", "-")[:60].strip("-") or "row"
    return (f"x-{kind}-" if kind else "x-") + slug


_UNIT_PAREN = re.compile(
    r"\(\s*(?:US)?\$?\s*'?000'?s?(?:\s+[\w./ ]+?)?\s*\)|\(\s*(?:thousands|millions)\s+of\s+[\w./ ]+?\s*\)|"
    r"\(\s*(?:[$\w.]*/[\w.]+|oz\.?|ounces|tons?|in\s+thousands|in\s+millions|%|[$]|cents)\s*\)?|\bin\s+thousands\)",
    re.I,
)


def _unit_free(label: str) -> str:
    """A row label without footnote markers and unit parentheticals, for a minted code."""
    label = " ".join(_MARKERS.sub(" ", label).split()) if "(" in label or "*" in label else label
    return _UNIT_PAREN.sub(" ", label) if "(" in label or ")" in label else label
