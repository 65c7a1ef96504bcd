"""Shared fixtures: the repository layout and one build of the bundled corpus per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "gold").is_dir():
        pytest.skip("../shared (gold standard and scorer) is not beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full `kg build` of the bundled corpus (built once per session; treat as read-only)."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("corpus-build") / "out"
    report = build([CORPUS], out)
    assert not report.failed, [str(p) for p in report.failed]
    return out
