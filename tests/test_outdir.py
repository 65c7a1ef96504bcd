"""kg.outdir: which folders kg build may write into, and a switch to the new outputs that a kill
at any instant leaves whole (the old build or the new one, never a mix)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sample_kg import build_sample

from kg import outdir
from kg.errors import UsageError
from kg.query import run_query

ASK_NEW = "ASK { <urn:kg:test:new-build> ?p ?o }\n"
NEW_MARK = "\n# the new build\n"


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    """Two complete builds told apart by a marker: in B's store and at the end of B's graph.ttl."""
    import pyoxigraph as ox

    from kg import store

    root = tmp_path_factory.mktemp("builds")
    a = build_sample(root / "A")
    b = build_sample(root / "B")
    marker = ox.Quad(ox.NamedNode("urn:kg:test:new-build"), ox.NamedNode("urn:kg:test:p"), ox.Literal("B"), ox.NamedNode("urn:kg:test:g"))
    quads = list(ox.Store.read_only(str(store.store_path(a))).quads_for_pattern(None, None, None)) + [marker]
    store.create_from_quads(b, quads)
    with open(b / "graph.ttl", "a", encoding="utf-8") as fh:
        fh.write(NEW_MARK)
    for folder, which in ((a, "old"), (b, "new")):
        for name in ("graph.html", "report.html", "validation.txt", "validation.ttl"):
            (folder / name).write_text(which, encoding="utf-8")
    return a, b


def _install(out: Path, build: Path) -> None:
    """What a build does at its end: claim, write into a new build folder, switch."""
    output = outdir.claim(out)
    try:
        target = output.new_build()
        shutil.copytree(build, target, dirs_exist_ok=True)
        outdir.switch(output, target)
    finally:
        output.release()


def _which(out: Path, tmp_path: Path) -> str:
    """'old' or 'new', asserting that every output of ``out`` comes from that same build."""
    ask = tmp_path / "ask.rq"
    ask.write_text(ASK_NEW, encoding="utf-8")
    new = run_query(str(ask), out).boolean
    assert (out / "graph.ttl").read_text(encoding="utf-8").endswith(NEW_MARK) == new
    assert (out / "observations.csv").is_file() and (out / "graph.trig").is_file()
    which = "new" if new else "old"
    for name in ("graph.html", "report.html", "validation.txt", "validation.ttl"):
        assert (out / name).read_text(encoding="utf-8") == which, name
    return which


def test_a_new_folder_and_an_empty_one_are_claimed_and_marked(tmp_path, builds):
    a, _ = builds
    for out in (tmp_path / "new" / "deeper", tmp_path / "empty"):
        if out.name == "empty":
            out.mkdir()
        _install(out, a)
        assert outdir.is_output_folder(out)
        assert _which(out, tmp_path) == "old"
        assert all(os.readlink(out / n).startswith(".kg/current/") for n in ("graph.ttl", "store"))


def test_a_folder_holding_other_files_is_refused_and_left_alone(tmp_path):
    """The user's own store/ and report.html: refused, with or without --force; nothing touched."""
    out = tmp_path / "mine"
    (out / "store").mkdir(parents=True)
    (out / "store" / "precious.db").write_text("mine")
    (out / "report.html").write_text("my report")
    for force in (False, True):
        with pytest.raises(UsageError, match="not empty and not a kg output folder"):
            outdir.claim(out, force=force)
    assert (out / "store" / "precious.db").read_text() == "mine"
    assert (out / "report.html").read_text() == "my report"
    assert sorted(os.listdir(out)) == ["report.html", "store"]


def test_a_file_as_the_output_folder_is_refused(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        outdir.claim(target)


def test_a_hand_made_file_in_kgs_own_folder_needs_force(tmp_path, builds):
    a, b = builds
    out = tmp_path / "out"
    _install(out, a)
    (out / "report.html").unlink()
    (out / "report.html").write_text("edited by hand")
    with pytest.raises(UsageError, match=r"report\.html .* --force"):
        outdir.claim(out)
    assert (out / "report.html").read_text() == "edited by hand"
    output = outdir.claim(out, force=True)
    target = output.new_build()
    shutil.copytree(b, target, dirs_exist_ok=True)
    outdir.switch(output, target)
    output.release()
    assert _which(out, tmp_path) == "new" and (out / "report.html").is_symlink()


def test_outputs_of_an_earlier_kg_are_replaced_only_with_force(tmp_path, builds):
    a, b = builds
    out = tmp_path / "legacy"
    shutil.copytree(a, out)
    with pytest.raises(UsageError, match="earlier kg build"):
        outdir.claim(out)
    output = outdir.claim(out, force=True)
    target = output.new_build()
    shutil.copytree(b, target, dirs_exist_ok=True)
    outdir.switch(output, target)
    output.release()
    assert _which(out, tmp_path) == "new"
    assert sorted(p.name for p in (out / ".kg" / "builds").iterdir()) == [target.name]


def test_one_build_at_a_time(tmp_path):
    out = tmp_path / "out"
    first = outdir.claim(out)
    try:
        with pytest.raises(UsageError, match="another kg build"):
            outdir.claim(out)
    finally:
        first.release()
    outdir.claim(out).release()


# Runs one switch in a child process that kills itself with SIGKILL just before or just after one step.
KILLER = """
import os, shutil, signal, sys
from pathlib import Path
from kg import outdir

out, new, step, when = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
k = [name for name, _ in outdir.SWITCH_STEPS].index(step)
name, run = outdir.SWITCH_STEPS[k]

def killed(output, build):
    if when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    run(output, build)
    if when == "after":
        os.kill(os.getpid(), signal.SIGKILL)

outdir.SWITCH_STEPS[k] = (name, killed)
output = outdir.claim(out)
target = output.new_build()
shutil.copytree(new, target, dirs_exist_ok=True)
outdir.switch(output, target)
"""


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("step", [name for name, _ in outdir.SWITCH_STEPS])
def test_a_kill_at_any_step_of_the_switch_leaves_the_old_or_the_new_build(tmp_path, builds, step, when):
    a, b = builds
    out = tmp_path / "out"
    _install(out, a)
    proc = subprocess.run([sys.executable, "-c", KILLER, str(out), str(b), step, when], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == -9, proc.stderr
    state = _which(out, tmp_path)
    switched = [n for n, _ in outdir.SWITCH_STEPS].index(step) + (when == "after") > [n for n, _ in outdir.SWITCH_STEPS].index("current")
    assert state == ("new" if switched else "old")
    # the next build removes what the killed one left
    outdir.claim(out).release()
    assert len(list((out / ".kg" / "builds").iterdir())) == 1
    assert not list((out / ".kg").glob("*.new")) and not list(out.glob(".*.kg-new"))
    assert _which(out, tmp_path) == state


def test_a_build_held_by_a_server_is_kept_until_let_go(tmp_path, builds):
    a, b = builds
    out = tmp_path / "out"
    _install(out, a)
    held = outdir.hold_build(out)
    old = outdir.current_build(out)
    assert held is not None and old is not None
    _install(out, b)
    assert old.is_dir()  # a running server still reads it
    held.close()
    _install(out, b)
    assert not old.exists()
