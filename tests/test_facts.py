"""kg.facts: the hand-written Observation constructor stays in step with its fields."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date
from decimal import Decimal

import pytest

from kg.facts import EntityRef, Observation, Period, Source


def test_observation_init_matches_its_fields() -> None:
    """Observation writes its instance dict in one go (speed); its parameters must be exactly
    the dataclass fields, in order, with the same defaults, or dataclasses.replace and
    keyword construction would silently drop or misplace a field."""
    params = list(inspect.signature(Observation.__init__).parameters.values())[1:]
    fields = dataclasses.fields(Observation)
    assert [p.name for p in params] == [f.name for f in fields]
    for p, f in zip(params, fields, strict=True):
        expected = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        assert p.default == expected, p.name


def _obs(**kw: object) -> Observation:
    base: dict[str, object] = dict(
        subject=EntityRef("Lucky Friday", "MiningUnit"),
        metric="silver-production",
        period=Period(end=date(2007, 12, 31), start=date(2007, 1, 1)),
        value=Decimal("2917"),
        unit="OZ",
        decimals=0,
        source=Source("a.txt", 12, "table", "t01"),
    )
    base.update(kw)
    return Observation(**base)  # type: ignore[arg-type]


def test_observation_behaves_as_a_frozen_dataclass() -> None:
    a, b = _obs(), _obs()
    assert a == b and hash(a) == hash(b)
    assert a.printed == "" and a.footnotes == () and a.share is None and a.mapped
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.value = Decimal(1)  # type: ignore[misc]
    c = dataclasses.replace(a, value=Decimal("3000"), printed="3,000")
    assert c.value == Decimal("3000") and c.printed == "3,000" and c.metric == a.metric
    assert c != a
    assert dataclasses.asdict(a)["unit"] == "OZ"
    assert "silver-production" in repr(a)
