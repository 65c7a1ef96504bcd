"""Where the project's data folders live, installed or in a checkout.

In a wheel the folders are copied to ``kg/_data/``; in a checkout (or an editable
install) they sit next to the package. Input: a folder name; output: its path.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kg.errors import ConfigError

_PACKAGE = Path(__file__).resolve().parent
FOLDERS = ("ontology", "shapes", "queries", "corpus")


@cache
def data_dir(name: str) -> Path:
    """Return the folder ``name`` (one of FOLDERS), installed copy first."""
    if name not in FOLDERS:
        raise ConfigError(f"unknown data folder {name!r}; expected one of {', '.join(FOLDERS)}")
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"data folder {name!r} not found beside the package (looked in kg/_data and the checkout)")


def ontology_file(name: str) -> Path:
    return data_dir("ontology") / name


def sample_corpus() -> Path:
    """The bundled sample corpus that ``kg build`` uses when given no path."""
    return data_dir("corpus")
