"""bench.synth: each synthetic copy reports for a company of its own (else copies of one sample
restate each other, and the scale benchmark measures a corpus unlike a real one)."""

from __future__ import annotations

import re
from pathlib import Path

from bench.synth import generate
from kg.pipeline import extract_file
from kg.resources import sample_corpus


def _company(path: Path) -> str:
    e = extract_file(str(path))
    assert e.facts is not None, e.error
    return e.facts.meta.company


def test_every_copy_names_another_company_even_where_the_samples_print_it_in_a_web_address(tmp_path: Path) -> None:
    samples = sorted(p for p in Path(sample_corpus()).iterdir() if p.suffix.lower() in (".txt", ".htm", ".html"))
    copies = generate(len(samples), tmp_path / "synth", seed=3)
    assert len(copies) == len(samples)
    for sample, copy in zip(samples, sorted(copies), strict=True):
        original = _company(sample)
        assert original, sample.name
        copy_text = copy.read_text(encoding="utf-8", errors="replace")
        proper = [w for w in re.findall(r"[A-Z][a-z]{3,}", original) if w.lower() not in ("mining", "company", "corporation")]
        for word in proper:  # the proper words of its name, in any case, web addresses included
            assert word.lower() not in copy_text.lower(), (copy.name, word)
        assert _company(copy) != original
