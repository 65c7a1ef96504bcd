"""The output folder of `kg build`: which folders it may write into, and how a new build replaces
the last one all at once.

Input: the ``--out`` folder. Output: a claimed folder (:func:`claim`), a fresh build folder to
write into (:meth:`Output.new_build`) and the switch to it (:func:`switch`).

Layout (everything kg owns is under ``.kg/``)::

    DIR/.kg/output.json        the marker: DIR is kg's output folder
    DIR/.kg/lock               held by the build writing into DIR
    DIR/.kg/builds/ID/         one complete build (its manifest.json is written last)
    DIR/.kg/current -> builds/ID
    DIR/graph.ttl -> .kg/current/graph.ttl     (and every other output, store/ too)

Every output name in DIR is a link through ``.kg/current``, so replacing that one link (a
rename, atomic on every POSIX file system) changes the whole set at once: a kill at any instant
leaves the old build or the new one, never a mix. The folder itself stays a real folder, which
may be a mount point.

Safety: kg writes only into a folder that is new, empty or marked as its own (the marker), and
there only its own names; a folder holding anything else is refused with a message. In its own
folder, an output name that is no longer kg's link (a file put there by hand) is replaced only
with ``force``. A folder written by kg before this layout (the outputs as plain files) is
recognised by its names and replaced only with ``force`` too. Leftovers of killed builds are
removed by the next build; a build still open in a running ``kg serve`` (:func:`hold_build`) is
kept until the server lets it go.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg.errors import KGError, UsageError

log = logging.getLogger(__name__)

KG_DIR = ".kg"
MARKER = "output.json"
MANIFEST = "manifest.json"
CURRENT = "current"
BUILDS = "builds"
# What `kg build` writes (the contract's files and the query store).
OUTPUT_NAMES = (
    "graph.ttl",
    "graph.trig",
    "graph.jsonld",
    "observations.csv",
    "validation.txt",
    "validation.ttl",
    "graph.html",
    "report.html",
    "store",
    "sources",
)
# Names an earlier kg left beside its outputs (temporary folders of killed builds).
_LEGACY_LEFTOVERS = (".kg-build-", ".store.old", ".store.tmp")


class EnvironmentFailure(KGError):
    """The machine failed the build: disk full, read-only file system, permission lost (exit 4)."""


# What an OSError of the machine means, said plainly (the build's writes and the CLI's last resort)
ENVIRONMENT_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EIO: "an input/output error (failing disk?)",
    errno.EMFILE: "too many open files",
}


def environment_reason(exc: OSError) -> str:
    """The plain reason of an OSError: its errno said in words, else its own text."""
    return ENVIRONMENT_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def environment_error(exc: OSError, what: str) -> KGError:
    """An OSError met while writing, as a message that says what to do."""
    reason = environment_reason(exc)
    where = exc.filename or what
    return EnvironmentFailure(f"cannot write {what}: {reason} ({where})")


@dataclass
class Output:
    """A claimed output folder, locked for one build."""

    path: Path
    lock: IO[str]
    legacy: bool = False  # outputs written by an earlier kg as plain files (replaced with force)

    @property
    def kg_dir(self) -> Path:
        return self.path / KG_DIR

    @property
    def builds(self) -> Path:
        return self.kg_dir / BUILDS

    def new_build(self) -> Path:
        """A fresh, empty build folder inside ``.kg/builds`` (incomplete until its manifest)."""
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        # Never a name used before: a server may still hold a build of that name open.
        folder = self.builds / f"{stamp}-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise environment_error(exc, f"the build folder in {self.path}") from exc
        return folder

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.lock.close()


def is_output_folder(folder: Path) -> bool:
    """Whether ``folder`` carries kg's marker (walking inputs skips such folders)."""
    return (folder / KG_DIR / MARKER).is_file()


def _our_link(path: Path, name: str) -> bool:
    return path.is_symlink() and os.readlink(path) == f"{KG_DIR}/{CURRENT}/{name}"


def _looks_legacy(entries: list[str]) -> bool:
    """Exactly the outputs of an earlier kg (plain files, every contract file there) and its leftovers."""
    names = {e for e in entries if not e.startswith(_LEGACY_LEFTOVERS)}
    return names <= set(OUTPUT_NAMES) and {"graph.ttl", "observations.csv", "validation.ttl", "store"} <= names


def check(out: Path, *, force: bool = False) -> bool:
    """Whether `kg build` may write into ``out`` (nothing is written): raises UsageError (exit 2)
    saying why not. True when ``out`` holds the plain outputs of an earlier kg (``force`` given)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder; give a folder for the outputs")
    if out.is_symlink() and not out.exists():
        raise UsageError(f"--out {out} is a link to nothing ({os.readlink(out)})")
    legacy = False
    if out.is_dir() and not is_output_folder(out):
        try:
            entries = sorted(os.listdir(out))
        except OSError as exc:
            raise UsageError(f"cannot read --out {out}: {exc.strerror or exc}") from None
        if entries and _looks_legacy(entries):
            if not force:
                raise UsageError(
                    f"{out} holds the outputs of an earlier kg build (without its {KG_DIR}/ marker); "
                    "rebuild with --force to replace them, or choose another --out"
                )
            legacy = True
        elif entries:
            shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
            raise UsageError(
                f"{out} is not empty and not a kg output folder ({shown}): kg build writes only into a new or "
                f"empty folder, or one it wrote before; choose another --out"
                + (" (--force replaces only a folder kg wrote)" if force else "")
            )
    elif out.is_dir():
        foreign = [n for n in OUTPUT_NAMES if (out / n).exists() or (out / n).is_symlink()]
        foreign = [n for n in foreign if not _our_link(out / n, n)]
        if foreign and not force:
            raise UsageError(
                f"{', '.join(foreign)} in {out} {'is' if len(foreign) == 1 else 'are'} not what kg build wrote "
                "(put there or edited by hand?); move them away, or rebuild with --force to replace them"
            )
    return legacy


def claim(out: Path, *, force: bool = False) -> Output:
    """Check ``out`` (:func:`check`), mark it as kg's, lock it and remove the leftovers of killed
    builds. Raises UsageError (exit 2) saying why not, before any work."""
    out = Path(out)
    legacy = check(out, force=force)
    try:
        (out / KG_DIR / BUILDS).mkdir(parents=True, exist_ok=True)
        lock = open(out / KG_DIR / "lock", "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole build
    except OSError as exc:
        raise UsageError(f"cannot write into --out {out}: {environment_error(exc, str(out)).message}") from None
    try:
        import fcntl

        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # not POSIX: no lock, one build at a time is up to the user
        pass
    except OSError:
        lock.close()
        raise UsageError(f"another kg build is writing into {out}; wait for it to end") from None
    try:
        marker = out / KG_DIR / MARKER
        if not marker.is_file():
            _write_json(marker, {"kg-output": 1, "note": "written by kg build; its outputs link through .kg/current"})
        remove_leftovers(out)
    except OSError as exc:
        lock.close()
        raise UsageError(f"cannot write into --out {out}: {environment_error(exc, str(out)).message}") from None
    return Output(out, lock, legacy)


def _write_json(path: Path, data: object) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def current_build(out: Path) -> Path | None:
    """The build folder ``.kg/current`` points at, if any."""
    link = Path(out) / KG_DIR / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    return (link.parent / target).resolve()


def _in_use(build: Path) -> bool:
    """Whether a running server holds ``build`` open (:func:`hold_build`)."""
    manifest = build / MANIFEST
    if not manifest.is_file():
        return False
    try:
        import fcntl
    except ImportError:
        return False
    with open(manifest, encoding="utf-8") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    return False


def remove_leftovers(out: Path) -> None:
    """Remove every build but the current one (killed builds, builds replaced since) unless a
    server holds it, and the temporary names of an interrupted switch."""
    kg_dir = Path(out) / KG_DIR
    keep = current_build(out)
    builds = kg_dir / BUILDS
    if builds.is_dir():
        for build in builds.iterdir():
            if keep is not None and build.resolve() == keep:
                continue
            if _in_use(build):
                log.info("keeping %s: a running kg serve still reads it", build.name)
                continue
            shutil.rmtree(build, ignore_errors=True)
    for stale in kg_dir.glob("*.new"):
        with contextlib.suppress(OSError):
            stale.unlink()
    for stale in Path(out).glob(".*.kg-new"):
        with contextlib.suppress(OSError):
            stale.unlink()


# ---------------------------------------------------------------- the switch
#
# The steps, in order, each a function of (output, new build). The kill tests replace one with a
# version that kills the process before or after it, and check the folder after each.


def _write_manifest(output: Output, build: Path) -> None:
    files = sorted(p.name for p in build.iterdir() if p.name != MANIFEST)
    _write_json(build / MANIFEST, {"kg-build": build.name, "files": files})


def _make_links(output: Output, build: Path) -> None:
    """Every output name in the folder as a link through ``.kg/current`` (normally there already;
    a name that is not kg's link was allowed by ``force``)."""
    for name in sorted(p.name for p in build.iterdir() if p.name != MANIFEST):
        target = output.path / name
        if _our_link(target, name):
            continue
        tmp = output.path / f".{name}.kg-new"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(f"{KG_DIR}/{CURRENT}/{name}", tmp)
        if target.is_dir() and not target.is_symlink():
            # A plain store/ of an earlier kg (allowed by force): it cannot be replaced by a link
            # in one rename; moved into .kg first, removed with the leftovers.
            target.rename(output.builds / f"replaced-{name}-{os.getpid()}")
        os.replace(tmp, target)


def _switch_current(output: Output, build: Path) -> None:
    """The one step that changes the outputs: ``.kg/current`` replaced by a link to ``build``."""
    tmp = output.kg_dir / f"{CURRENT}.new"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(f"{BUILDS}/{build.name}", tmp)
    os.replace(tmp, output.kg_dir / CURRENT)
    with contextlib.suppress(OSError):  # make the rename durable where directories can be synced
        fd = os.open(output.kg_dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _drop_stale_links(output: Output, build: Path) -> None:
    """Links of outputs the new build no longer has."""
    for name in OUTPUT_NAMES:
        link = output.path / name
        if _our_link(link, name) and not (build / name).exists():
            link.unlink()


def _clean(output: Output, build: Path) -> None:
    remove_leftovers(output.path)


SWITCH_STEPS: list[tuple[str, Callable[[Output, Path], None]]] = [
    ("manifest", _write_manifest),
    ("links", _make_links),
    ("current", _switch_current),
    ("stale-links", _drop_stale_links),
    ("clean", _clean),
]


def switch(output: Output, build: Path) -> None:
    """Make the complete build folder ``build`` the folder's outputs, all at once."""
    for name, step in SWITCH_STEPS:
        try:
            step(output, build)
        except OSError as exc:
            raise environment_error(exc, f"the outputs in {output.path} (step {name})") from exc


# ---------------------------------------------------------------- readers


@contextlib.contextmanager
def holding_build(data_dir: Path) -> Iterator[None]:
    """Keep the build that ``data_dir`` shows now from removal while the block runs."""
    fh = hold_build(data_dir)
    try:
        yield
    finally:
        if fh is not None:
            fh.close()


def hold_build(data_dir: Path) -> IO[str] | None:
    """A shared lock on the build ``data_dir``'s store belongs to, kept while the returned file is
    open: a later `kg build` leaves that build in place until it is let go (a running server
    reads it). None for a folder without builds (written by other means)."""
    try:
        import fcntl
    except ImportError:
        return None
    store = Path(os.path.realpath(Path(data_dir) / "store"))
    manifest = store.parent / MANIFEST
    if store.parent.parent.name != BUILDS or not manifest.is_file():
        return None
    try:
        fh = open(manifest, encoding="utf-8")  # noqa: SIM115 - returned to the caller, who keeps it open
        fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
    except OSError:
        return None
    return fh
