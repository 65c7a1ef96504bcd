"""The `kg` command line: a thin layer mapping library calls and errors to exit codes.

Exit codes: 0 success; 1 `validate` found an sh:Violation; 2 bad usage or
unusable input or output (a missing path, an output folder kg may not write, a
port in use, a refused query); 3 `build` finished but some documents failed;
4 the machine failed the command (disk full, read-only file system, permission
or input/output error); 5 an internal error (a bug: `-vv` shows its traceback);
130 interrupted. No command lets a Python traceback reach the user.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console

from kg.errors import KGError
from kg.settings import BuildLimits

app = typer.Typer(
    help="Build, check, query and explore a knowledge graph of mining results releases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)
log = logging.getLogger("kg")


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    from rich.logging import RichHandler

    logging.basicConfig(
        level=level, format="%(message)s", handlers=[RichHandler(console=err, show_path=False, show_time=False)]
    )


def _fail(exc: KGError | str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True, highlight=False)
    raise typer.Exit(code)


@contextlib.contextmanager
def _guard() -> Iterator[None]:
    """Every failure of a command as a message and an exit code (module docstring), never a traceback."""
    from kg.errors import UsageError
    from kg.outdir import EnvironmentFailure

    try:
        yield
    except (typer.Exit, typer.Abort, typer.BadParameter, click.exceptions.ClickException):
        raise
    except EnvironmentFailure as exc:
        _fail(exc, 4)
    except (UsageError, KGError) as exc:
        _fail(exc, 2)
    except BrokenPipeError:  # the reader went away (`kg query ... | head`): nothing more to say
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except OSError as exc:
        from kg.outdir import environment_reason

        reason = environment_reason(exc)
        where = f" ({exc.filename})" if exc.filename else ""
        _fail(f"{reason}{where}", 4)
    except MemoryError:
        _fail("out of memory; for a build, lower the limits (kg build --help)", 4)
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - a bug: said plainly, the traceback only with -vv
        log.debug("internal error", exc_info=True)
        _fail(f"internal error: {type(exc).__name__}: {exc} (a bug in kg; -vv shows where)", 5)


def _show_version(value: bool) -> None:
    if value:
        from kg import __version__

        typer.echo(f"kg (mining-kg) {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More log output (-v, -vv).")] = 0,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    _setup_logging(verbose)


@app.command()
def build(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Press releases (.txt, .htm, .html) or folders of them. Default: the bundled sample corpus."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder: new, empty, or one kg build wrote (created if missing).")] = Path("out"),
    workers: Annotated[
        int | None,
        typer.Option(help="Processes extracting documents, each loading spaCy once (default: one per core; 1: in this process).", min=1),
    ] = None,
    cache: Annotated[
        bool,
        typer.Option("--cache/--no-cache", help="Reuse the facts of files unchanged since the last build into --out (same bytes, limits, code and ontology)."),
    ] = True,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Extract the documents on the Dask cluster of this scheduler (tcp://HOST:PORT) instead of local processes."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace outputs in --out that kg did not write (only in a folder kg wrote).")
    ] = False,
    follow_links: Annotated[
        bool, typer.Option("--follow-links", help="Follow symbolic links met while walking folders (named paths always are).")
    ] = False,
    max_file_size: Annotated[
        str, typer.Option(help="max_file_bytes: larger files are not read (e.g. 16MB, 512KB).")
    ] = "16MB",
    max_line_chars: Annotated[
        int, typer.Option(help="max_line_chars: longer lines are left out with a warning.", min=1)
    ] = BuildLimits.max_line_chars,
    max_prose_chars: Annotated[
        int, typer.Option(help="max_prose_chars: longer prose blocks reach spaCy in pieces of this size.", min=1)
    ] = BuildLimits.max_prose_chars,
    max_tables: Annotated[
        int, typer.Option(help="max_tables: tables of a document beyond this many are left out with a warning.", min=1)
    ] = BuildLimits.max_tables,
) -> None:
    """Build the knowledge graph of PATHS into --out.

    Writes graph.ttl, graph.trig, graph.jsonld, observations.csv, validation.txt,
    validation.ttl, graph.html, report.html and the query store, all replaced at
    once. Exit 0 when every document built, 3 when some failed, 2 on bad usage,
    4 when the machine failed the writing (the previous outputs stay).
    """
    from kg.pipeline import build as run_build
    from kg.pipeline import cache_line, summary_lines
    from kg.resources import sample_corpus
    from kg.settings import parse_size

    with _guard():
        limits = BuildLimits(
            max_file_bytes=parse_size(max_file_size),
            max_line_chars=max_line_chars,
            max_prose_chars=max_prose_chars,
            max_tables=max_tables,
        )
        if not paths:
            paths = [sample_corpus()]
            err.print(f"building the bundled sample corpus ({paths[0]})")
        progress_cm = None
        if err.is_terminal:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            progress_cm = Progress(
                TextColumn("{task.description:<10}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(), console=err, transient=True,
            )
        tasks: dict[str, int] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if progress_cm is None:
                return
            if stage not in tasks:
                tasks[stage] = progress_cm.add_task(stage, total=total)
            progress_cm.update(tasks[stage], completed=done, total=total)

        options = {
            "workers": workers, "limits": limits, "force": force, "follow_links": follow_links,
            "cache": cache, "scheduler": scheduler,
        }
        if progress_cm:
            with progress_cm:
                report = run_build(paths, out, progress=on_progress, **options)
        else:
            report = run_build(paths, out, **options)
    for line in summary_lines(report):
        typer.echo(line)
    typer.echo(cache_line(report))
    if report.conforms is False:
        typer.echo(f"validation found violations: see {out / 'validation.txt'}")
    raise typer.Exit(report.exit_code)


@app.command()
def validate(
    data: Annotated[Path, typer.Argument(help="A folder written by `kg build`.")],
) -> None:
    """Run the SHACL shapes over DATA's graph and print the report (exit 1 on any sh:Violation)."""
    from kg.validate import validate_dir

    with _guard():
        result = validate_dir(data, write=False)
    typer.echo(result.text)
    raise typer.Exit(0 if result.conforms else 1)


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="A named query (file stem in queries/) or a .rq file.")] = None,
    data: Annotated[Path, typer.Option("--data", "-d", help="A folder written by `kg build`.")] = Path("out"),
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")] = QueryFormat.table,
    bind: Annotated[
        list[str] | None,
        typer.Option("--bind", "-b", help="Bind a query variable to a plain value, NAME=VALUE (repeatable), e.g. --bind doc=000_ab7ab8a88c10b9e9.txt."),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the named queries with their summaries and exit.")] = False,
) -> None:
    """Run a named query or a SPARQL file against DATA's graph (--list: the named queries)."""
    from kg.query import check_query, find_query, list_queries, run_isolated, run_query_text

    if list_:
        for q in list_queries():
            typer.echo(f"{q.name}\n    {q.summary}\n    columns: {', '.join(q.returns)}")
        raise typer.Exit(0)
    if not name:
        raise typer.BadParameter("give a query name or a .rq file (kg query --list shows the names)", param_hint="NAME")

    bindings: dict[str, object] = {}
    for item in bind or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--bind")
        bindings[key.strip().lstrip("?$")] = value
    with _guard():
        # The check first, here: a refused or malformed query is reported without a child process
        # (a parser's deep recursion in a forked child left too little stack to report it).
        check_query(find_query(name).text)
        # Then in a child process cut off the network: a gap in the check still reaches nothing.
        text = run_isolated(run_query_text, name, data, fmt.value, bindings or None)
    with _guard():
        sys.stdout.write(text)


@app.command()
def export(
    data: Annotated[Path, typer.Argument(help="A folder written by `kg build`.")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="ttl, jsonld, nq, trig, csv, graphml or gexf.")] = None,
    to: Annotated[Path | None, typer.Option("--to", help="File to write.")] = None,
    to_endpoint: Annotated[
        str | None, typer.Option("--to-endpoint", help="Push to a SPARQL 1.1 Graph Store endpoint URL instead.")
    ] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Target graph IRI for --to-endpoint.")] = None,
) -> None:
    """Re-serialise the built graph to a file, or push it to a triple store."""
    from kg import export as exporter

    with _guard():
        if to_endpoint:
            n = exporter.push_to_endpoint(data, to_endpoint, graph=graph)
            typer.echo(f"pushed {n} triples to {to_endpoint}")
            return
        if not fmt or not to:
            raise typer.BadParameter("give --format and --to (or --to-endpoint)")
        if to.is_dir():
            raise typer.BadParameter(f"{to} is a folder; give the file to write, e.g. {to / ('graph.' + fmt)}", param_hint="--to")
        if not to.parent.is_dir():
            raise typer.BadParameter(f"{to.parent} does not exist; create it first", param_hint="--to")
        exporter.export(data, fmt, to)
    typer.echo(f"wrote {to}")


@app.command()
def serve(
    data: Annotated[Path, typer.Argument(help="A folder written by `kg build`.")],
    host: Annotated[str, typer.Option(help="Interface to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 7878,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="Another name this server may be asked for in the Host header (repeatable); its own address and localhost always are."),
    ] = None,
    cors: Annotated[
        list[str] | None,
        typer.Option("--cors", help="Let pages from this origin read the answers (repeatable; '*' for any page: only for data you would publish)."),
    ] = None,
) -> None:
    """Serve DATA read-only: SPARQL 1.1 Protocol at /sparql, the graph page at /."""
    from kg.serve import serve as run_server

    with _guard():
        run_server(
            data, host=host, port=port, allow_hosts=allow_host or (), cors=cors or (),
            announce=lambda line: typer.echo(line, err=True),
        )


if __name__ == "__main__":  # pragma: no cover
    app()
