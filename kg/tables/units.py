"""Units as tables print them: a caption, heading, label or header phrase → unit code and scale.

Input: printed text ("(in thousands of U.S. dollars, except per share amounts)", "koz", "(A$/oz
sold)", "Mt", "(cents/lb)", "000 tonnes") and the unit vocabulary of ``ontology/units.ttl`` (its
altLabels are the printed forms of each base unit: "oz", "tonnes", "g/t", "A$" ...). Output:
:class:`UnitSpec` (a unit code, or none when only a scale is printed, and the factor that takes
printed numbers to that unit) and, for captions, :class:`CaptionUnits`.

The grammar, which is the language of results tables rather than of one company:

- a scale before a unit: ``k`` / ``M`` glued to a mass unit ("koz", "Mt", "Mlb"), ``000``,
  ``'000``, ``000s``, "thousand(s)", "million(s)" ("000 tonnes", "thousands of ounces", "US$
  millions", "$000", "(000s)");
- a scale after it: "ounces in thousands", "dollars in millions";
- a rate: ``X/Y`` or "X per Y" where X is money (a currency, or cents) or a mass and Y a mass,
  a share or a day ("US$/oz sold", "cents/lb", "$ per tonne", "tons/day", "t/d");
- words after the unit that say what was counted ("oz sold", "$/lb payable copper") are left for
  the row label.

Metric units are kept as printed (tonnes stay tonnes), scaled to the unit itself: "(Mt)" is
tonnes times a million, "(cents/lb)" dollars per pound times a hundredth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from kg.vocab import vocabulary

ONE = Decimal(1)
THOUSAND = Decimal(1000)
MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)
HUNDREDTH = Decimal("0.01")

_SCALE_WORDS = {
    "thousand": THOUSAND,
    "thousands": THOUSAND,
    "000": THOUSAND,
    "'000": THOUSAND,
    "000s": THOUSAND,
    "'000s": THOUSAND,
    "000's": THOUSAND,
    "k": THOUSAND,
    "million": MILLION,
    "millions": MILLION,
    "mm": MILLION,
    "m": MILLION,
    "mln": MILLION,
    "billion": BILLION,
    "billions": BILLION,
    "bn": BILLION,
}
# Glued SI-style prefixes of a mass unit: "koz", "Moz", "kt", "Mt", "Mlb", "Mlbs", "klbs".
_PREFIXED = re.compile(r"^(?P<p>[kKM]{1,2})(?P<base>oz|t|lbs?|tonnes)$")
_CENTS = frozenset({"cents", "cent", "c", "¢", "us cents", "us¢", "usc"})
_MONEY_DIMENSION = "currency"


@dataclass(frozen=True)
class UnitSpec:
    """A printed unit: its code ("" when only a scale is printed, as in "(000s)") and the factor
    that takes a printed number to that unit ("koz" → OZ, 1000; "cents/lb" → USD-PER-LB, 0.01)."""

    code: str
    factor: Decimal = ONE
    rest: str = ""  # words printed after the unit that name what was counted ("sold", "payable copper")


@dataclass(frozen=True)
class CaptionUnits:
    """What a caption or heading says of the units of the rows under it.

    ``scales``: factor per unit code, or per dimension ("currency" for any currency) when the
    caption names no currency ("(in thousands, except per share amounts)");
    ``currency``: the currency code money is in when the caption names one ("US$ millions");
    ``excepted``: what the scale does not apply to ("per share", "per ounce", "shares", "ounces").
    """

    scales: dict[str, Decimal] = field(default_factory=dict)
    currency: str = ""
    excepted: frozenset[str] = frozenset()
    unit: UnitSpec | None = None  # a whole unit the caption prints ("(short tons)", "(metric)")

    def factor(self, code: str) -> Decimal | None:
        """The scale the caption gives figures in ``code``, or None when it says nothing of them."""
        if not self.scales or code in self.excepted or dimension(code) in self.excepted:
            return None
        if code in self.scales:
            return self.scales[code]
        if "-PER-" not in code and dimension(code) in self.scales:
            return self.scales[dimension(code)]
        return None


@lru_cache(maxsize=256)
def dimension(code: str) -> str:
    """The kind of quantity a unit code measures ("currency", "mass", "currency/mass", "ratio", ...);
    two units of one dimension can stand for each other (a cost printed in A$/oz or US$/oz)."""
    if not code:
        return ""
    if code == "PERCENT":
        return "ratio"
    if code == "USD-PER-SHARE":
        return "currency/share"
    num, _, den = code.partition("-PER-")
    kinds = vocabulary().unit_dimensions
    a, b = kinds.get(num, num.lower()), kinds.get(den, den.lower()) if den else ""
    if b and a == "mass" and b == "mass":
        return "ratio"  # a grade: ounces per ton, grams per tonne
    return f"{a}/{b}" if b else a


def compatible(printed: str, metric_unit: str) -> bool:
    """Whether a figure printed in ``printed`` can be a figure of a metric whose unit is
    ``metric_unit`` (same dimension; a count can be anything a label calls it)."""
    if not printed or not metric_unit or printed == metric_unit:
        return True
    return dimension(printed) == dimension(metric_unit)


def _forms() -> dict[str, str]:
    """Printed form (lower case) → base unit code, from units.ttl's altLabels."""
    return vocabulary().unit_labels


_THOUSANDS_GLUED = re.compile(r"^'?000'?\s*(?=[A-Za-z])")  # "000'oz", "'000 oz", "000oz"


def _clean(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u2019", "'").strip()
    text = _THOUSANDS_GLUED.sub("000 ", text)
    while text[:1] == "(" and text[-1:] == ")":
        text = text[1:-1].strip()
    return " ".join(text.replace("( ", "(").split())


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> UnitSpec | None:
    """The unit a short printed phrase names ("koz", "(US$/oz sold)", "000 tonnes"), or None
    when it names none. A scale alone ("000s", "in thousands") gives a spec with no code."""
    t = _clean(text)
    if not t or len(t) > 60:
        return None
    low = t.lower()
    rate = _rate(t)
    if rate is not None:
        return rate
    words = low.replace(",", " ").split()
    if low.startswith("in ") and len(words) == 2 and words[1] in _SCALE_WORDS:
        return UnitSpec("", _SCALE_WORDS[words[1]])  # "(in thousands)"
    # "ounces in thousands", "dollars in millions"
    m = re.fullmatch(r"(?P<u>.+?)\s+in\s+(?P<s>thousands|millions|billions)", low)
    if m:
        base = _base(m.group("u"))
        if base is not None:
            return UnitSpec(base.code, base.factor * _scale_word(m.group("s")), base.rest)
    # "thousands of ounces", "millions of US dollars"
    m = re.fullmatch(r"(?P<s>thousands|millions|billions)\s+of\s+(?P<u>.+)", low)
    if m:
        base = _base(m.group("u"))
        if base is not None:
            return UnitSpec(base.code, base.factor * _scale_word(m.group("s")), base.rest)
    # a scale before or after: "000 tonnes", "US$ millions", "$000", "(000s)", "million pounds"
    head, _, tail = t.partition(" ")
    if head.lower() in _SCALE_WORDS and head.lower() not in ("m", "k"):
        if not tail:
            return UnitSpec("", _SCALE_WORDS[head.lower()])
        base = _base(tail)
        if base is not None:
            return UnitSpec(base.code, base.factor * _SCALE_WORDS[head.lower()], base.rest)
    last = words[-1] if words else ""
    if len(words) >= 2 and last in _SCALE_WORDS and last not in ("k",):
        base = _base(" ".join(t.split()[:-1]))
        if base is not None and (base.code in _currencies() or last != "m"):
            return UnitSpec(base.code, base.factor * _SCALE_WORDS[last], base.rest)
    glued = re.fullmatch(r"(?P<cur>[A-Za-z]{0,3}\$|[A-Z]{1,3})\s?(?P<s>'?000'?s?|M|MM|m|mm|k|K|bn)", t)
    if glued and _currency(glued.group("cur")):
        return UnitSpec(_currency(glued.group("cur")), _SCALE_WORDS[glued.group("s").lower()])
    return _base(t)


def _scale_word(word: str) -> Decimal:
    """The factor of a scale word a pattern matched ("thousands", "millions", "billions", any case),
    told by its first letter: re.I also lets "ſ" stand for "s", so "thouſands" matches and is no
    key of any table."""
    return {"t": THOUSAND, "m": MILLION, "b": BILLION}[word[:1].lower()]


def _base(text: str) -> UnitSpec | None:
    """A unit without a separate scale word: "oz", "koz", "Mt", "A$", "g/t", "short tons",
    possibly followed by words saying what was counted ("oz sold")."""
    t = text.strip().strip(".").strip()
    if not t:
        return None
    forms = _forms()
    low = t.lower()
    if low in forms:
        return UnitSpec(forms[low])
    cur = _currency(t)
    if cur:
        return UnitSpec(cur)
    m = _PREFIXED.match(t)
    if m:
        code = forms.get(m.group("base").lower()) or ("TONNE" if m.group("base") == "t" else "")
        if code:
            return UnitSpec(code, THOUSAND if m.group("p") in ("k", "K") else MILLION)
    # the longest leading run of words that is a unit; the rest says what was counted
    words = t.split()
    for n in range(len(words) - 1, 0, -1):
        head = " ".join(words[:n])
        spec = _base(head)
        if spec is not None and spec.code:
            return UnitSpec(spec.code, spec.factor, " ".join(words[n:]))
    return None


def _currency(text: str) -> str:
    return vocabulary().currency_labels.get(text.strip().replace(" ", "").lower(), "")


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(vocabulary().currency_labels.values())


_RATE = re.compile(r"^(?P<num>.+?)\s*(?:/|\bper\b)\s*(?P<den>[^/]+)$", re.I)


def _rate(text: str) -> UnitSpec | None:
    """A rate: money or mass over a mass, share or day ("US$/oz sold", "cents/lb", "t/d")."""
    forms = _forms()
    if forms.get(text.lower()):
        return None  # a whole printed form ("g/t", "oz/ton") is a base unit of units.ttl
    m = _RATE.match(text)
    if not m:
        return None
    num, den = m.group("num").strip(), m.group("den").strip()
    den_spec = _denominator(den)
    if den_spec is None:
        return None
    den_code, rest = den_spec
    low = num.lower()
    if low in _CENTS or low.endswith(" cents"):
        currency, factor = "USD", HUNDREDTH
    else:
        spec = _base(num) if num else None
        if spec is None:
            return None
        currency, factor = spec.code, spec.factor
        if spec.rest:  # "Tons milled per day": the words after the numerator's unit count too
            rest = f"{spec.rest} {rest}".strip()
    code = f"{currency}-PER-{den_code}"
    if code not in vocabulary().units:
        # a rate the vocabulary has no code for (A$ per tonne ...): say nothing rather than guess
        return None
    return UnitSpec(code, factor, rest)


def _denominator(text: str) -> tuple[str, str] | None:
    """The unit under a rate's bar, and the words after it ("oz sold" → (OZ, "sold"))."""
    words = text.split()
    if not words:
        return None
    first = words[0].strip(".").lower()
    rest = " ".join(words[1:])
    if first in ("share", "shares", "sh"):
        return "SHARE", rest
    if first in ("day", "days", "d"):
        return "DAY", rest
    if first in ("annum", "year", "yr", "a"):
        return "YEAR", rest
    forms = _forms()
    code = forms.get(first) or ("TONNE" if first == "t" else "")
    if code in ("OZ", "TON", "TONNE", "LB", "KG"):
        return code, rest
    for n in range(len(words), 1, -1):
        code = forms.get(" ".join(words[:n]).lower(), "")
        if code in ("OZ", "TON", "TONNE", "LB", "KG"):
            return code, " ".join(words[n:])
    return None


# ------------------------------------------------------------ captions

_SCALE_PHRASE = re.compile(
    r"(?P<what>(?:(?:u\.?s\.?|us|canadian|australian|a|c)\s*)?(?:dollars|\$|shares|ounces|tons|tonnes|pounds|amounts|figures|numbers)"
    r"(?:\s*(?:,|and)\s*(?:(?:u\.?s\.?|us)\s*)?(?:dollars|\$|shares|ounces|tons|tonnes|pounds))*)?"
    r"\s*(?:(?:are|expressed|stated|presented|reported)\s+)?\bin\s+(?P<scale>thousands|millions|billions)"
    r"(?:\s+of\s+(?P<of>(?:u\.?s\.?\s*|us\s*|canadian\s*|australian\s*|cdn\s*)?(?:dollars|\$)|[a-z]{1,3}\$|usd|cad|aud))?",
    re.I,
)
_CURRENCY_WORDS = re.compile(
    r"\b(?:(?P<aud>australian\s+dollars|a\$|aud)|(?P<cad>canadian\s+dollars|c\$|cdn\$|cad)|"
    r"(?P<usd>u\.?s\.?\s+dollars|us\$|usd|united\s+states\s+dollars))",
    re.I,
)
_EXCEPT = re.compile(r"\bexcept(?:\s+for)?\s+(?P<what>[^;)]*)", re.I)
_UNIT_OF_WORD = {
    "dollars": _MONEY_DIMENSION,
    "$": _MONEY_DIMENSION,
    "shares": "SHARES",
    "ounces": "OZ",
    "tons": "TON",
    "tonnes": "TONNE",
    "pounds": "LB",
    "amounts": _MONEY_DIMENSION,
    "figures": _MONEY_DIMENSION,
    "numbers": _MONEY_DIMENSION,
}


@lru_cache(maxsize=2048)
def caption_units(text: str) -> CaptionUnits:
    """What a caption says of units: "(dollars and shares in thousands, except per share
    amounts)", "(in thousands of U.S. dollars, except ounces and per ounce amounts)", "(US$
    millions)", "(Amounts in thousands)", "(ounces in thousands)", "(000s)", "(short tons)"."""
    joined = " ".join(text.replace("\u00a0", " ").split())
    scales: dict[str, Decimal] = {}
    currency = ""
    m = _CURRENCY_WORDS.search(joined)
    if m:
        currency = "AUD" if m.group("aud") else ("CAD" if m.group("cad") else "USD")
    for m in _SCALE_PHRASE.finditer(joined):
        factor = _scale_word(m.group("scale"))
        what = (m.group("what") or "").lower()
        named = re.findall(r"dollars|\$|shares|ounces|tons|tonnes|pounds|amounts|figures|numbers", what)
        if m.group("of"):
            named.append("dollars")
        if not named:
            # "(In thousands, except per share amounts)": money, and share counts unless excepted
            named = ["dollars", "shares"]
        for word in named:
            scales.setdefault(_UNIT_OF_WORD[word], factor)
    excepted: set[str] = set()
    for m in _EXCEPT.finditer(joined):
        what = m.group("what").lower()
        for part in re.split(r",|\band\b", what):
            part = part.strip()
            if not part:
                continue
            if "per" in part.split() or part.startswith("per"):
                # "per share", "per ounce", "per pound amounts": every rate
                excepted.add(_per_dimension(part))
            elif re.search(r"\bshares?\b", part):
                excepted.add("SHARES")
            elif re.search(r"\bounces?\b", part):
                excepted.add("OZ")
            elif re.search(r"\b(?:tons|tonnes)\b", part):
                excepted.update({"TON", "TONNE"})
    # the bare forms: "(US$ millions)", "($000)", "(000s)", "(thousands)"
    for paren in re.findall(r"\(([^()]{1,30})\)", joined):
        spec = parse_unit(paren)
        if spec is None:
            continue
        if spec.factor != ONE:
            key = spec.code or (_MONEY_DIMENSION if not scales else "")
            if spec.code in _currencies():
                key = _MONEY_DIMENSION
                currency = currency or spec.code
            if key:
                scales.setdefault(key, spec.factor)
    if not scales and joined.lower().rstrip(")").endswith(("'000", "000s", "000's")):
        scales[_MONEY_DIMENSION] = THOUSAND
    if _MONEY_DIMENSION in scales and "SHARES" not in excepted:
        # Share counts printed in a statement whose money is in thousands are in thousands too
        # ("in thousands of U.S. dollars, except per share amounts" over "Weighted average
        # shares  128,460"), unless the caption excepts them ("except share and per share").
        scales.setdefault("SHARES", scales[_MONEY_DIMENSION])
    return CaptionUnits(scales=scales, currency=currency, excepted=frozenset(excepted - {""}))


def _per_dimension(part: str) -> str:
    """What an "except per ..." phrase exempts: every rate per that denominator's dimension."""
    words = part.split()
    after = words[words.index("per") + 1 :] if "per" in words else words
    noun = after[0] if after else ""
    if noun.startswith("share"):
        return "currency/share"
    if noun.startswith(("ounce", "oz", "pound", "lb", "ton", "tonne")):
        return "currency/mass"
    return "currency/" + noun


def heading_unit(text: str) -> UnitSpec | None:
    """The unit a section heading's parenthetical prints for the rows under it: "Hollowell Mine
    (short tons)" → TON, "(metric)" → TONNE; None for shares, places and other parentheticals."""
    for paren in re.findall(r"\(([^()]{1,30})\)", text):
        low = paren.strip().lower()
        if low in ("metric", "metric units", "metric tonnes", "tonnes"):
            return UnitSpec("TONNE")
        spec = parse_unit(paren)
        if spec is not None and spec.code:
            return spec
    return None
