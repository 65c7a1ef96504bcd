"""The `kg` command line: a thin layer mapping library calls and errors to exit codes.

Exit codes: 0 success; 1 `validate` found an sh:Violation; 2 bad usage or
unusable input; 3 `build` finished but some documents failed.
"""

from __future__ import annotations

import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kg.errors import KGError

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


def _fail(exc: KGError, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


@app.callback()
def main(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More log output (-v, -vv).")] = 0,
) -> None:
    _setup_logging(verbose)


@app.command()
def build(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Press releases (.txt, .htm, .html) or folders of them. Default: the bundled sample corpus."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (created if missing).")] = Path("out"),
    workers: Annotated[
        int | None, typer.Option(help="Processes for per-document extraction on large corpora.")
    ] = None,
) -> None:
    """Build the knowledge graph of PATHS into --out.

    Writes graph.ttl, graph.trig, graph.jsonld, observations.csv, validation.txt,
    validation.ttl, graph.html, report.html and the query store. Exit 0 when every
    document built, 3 when some failed, 2 on bad usage.
    """
    from kg.pipeline import build as run_build
    from kg.pipeline import summary_lines
    from kg.resources import sample_corpus

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

    try:
        if progress_cm:
            with progress_cm:
                report = run_build(paths, out, workers=workers, progress=on_progress)
        else:
            report = run_build(paths, out, workers=workers)
    except KGError as exc:
        _fail(exc)
    for line in summary_lines(report):
        typer.echo(line)
    if report.conforms is False:
        typer.echo(f"validation found violations: see {out / 'validation.txt'}")
    raise typer.Exit(report.exit_code)


@app.command()
def validate(
    data: Annotated[Path, typer.Argument(help="A folder written by `kg build`.")],
) -> None:
    """Run the SHACL shapes over DATA's graph and print the report (exit 1 on any sh:Violation)."""
    from kg.validate import validate_dir

    try:
        result = validate_dir(data, write=False)
    except KGError as exc:
        _fail(exc)
    typer.echo(result.text)
    raise typer.Exit(0 if result.conforms else 1)


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A named query (file stem in queries/) or a .rq file.")],
    data: Annotated[Path, typer.Option("--data", "-d", help="A folder written by `kg build`.")] = Path("out"),
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")] = QueryFormat.table,
    bind: Annotated[
        list[str] | None,
        typer.Option("--bind", "-b", help="Bind a query variable to a plain value, NAME=VALUE (repeatable), e.g. --bind doc=000_ab7ab8a88c10b9e9.txt."),
    ] = None,
) -> None:
    """Run a named query or a SPARQL file against DATA's graph."""
    from kg.query import run_isolated, run_query_text

    bindings: dict[str, object] = {}
    for item in bind or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--bind")
        bindings[key.strip().lstrip("?$")] = value
    try:
        # In a child process cut off the network: a gap in the SERVICE check still reaches nothing.
        text = run_isolated(run_query_text, name, data, fmt.value, bindings or None)
    except KGError as exc:
        _fail(exc)
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

    try:
        if to_endpoint:
            n = exporter.push_to_endpoint(data, to_endpoint, graph=graph)
            typer.echo(f"pushed {n} triples to {to_endpoint}")
            return
        if not fmt or not to:
            raise typer.BadParameter("give --format and --to (or --to-endpoint)")
        exporter.export(data, fmt, to)
    except KGError as exc:
        _fail(exc)
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

    try:
        run_server(
            data, host=host, port=port, allow_hosts=allow_host or (), cors=cors or (),
            announce=lambda line: typer.echo(line, err=True),
        )
    except KGError as exc:
        _fail(exc)


if __name__ == "__main__":  # pragma: no cover
    app()
