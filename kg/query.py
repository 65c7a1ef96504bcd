"""Query: a named query (queries/NAME.rq) or a .rq file → rows from the Oxigraph store.

Input: a query name or path, a `kg build` output folder and optional variable
bindings. Output: a ``QueryResult`` (columns and rows of pyoxigraph terms, a
boolean for ASK, triples for CONSTRUCT/DESCRIBE) and its text renderings:

- ``table``: plain aligned text, one line per row;
- ``csv``: RFC 4180 with a header row; plain values (IRIs without angle
  brackets, literals without datatype or language tag);
- ``tsv``: SPARQL 1.1 TSV results (terms in N-Triples syntax);
- ``json``: SPARQL 1.1 Query Results JSON (``head.vars`` and
  ``results.bindings``; ``boolean`` for ASK); graph results as a list of
  ``{"subject", "predicate", "object"}`` objects with plain values;
- ``xml``: SPARQL Query Results XML.

Queries run over the store's default graph, which holds every triple of every
named graph once (see ``kg.store``), so they need no GRAPH clauses. Values go in through ``bindings`` (substituted as
pre-bound variables by Oxigraph), never by formatting query text. Queries that
would reach the network (SERVICE) or change data (updates) are refused.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TypeVar
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox
from rdflib.namespace import XSD as _XSD

from kg.errors import KGError, QueryError
from kg.resources import data_dir

log = logging.getLogger(__name__)

XSD = str(_XSD)
T = TypeVar("T")
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class QueryRefused(QueryError):
    """A query the project will not run: an update, or one that would reach the network."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # "update" | "service"


# ---------------------------------------------------------------- named queries


@dataclass(frozen=True)
class NamedQuery:
    """One .rq file with its ``#+`` header."""

    name: str
    path: Path
    text: str
    summary: str
    returns: tuple[str, ...]
    header: dict[str, str] = field(default_factory=dict)


_HEADER = re.compile(r"^#\+\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")


def parse_header(text: str) -> dict[str, str]:
    """The ``#+ key: value`` lines at the top of a query file."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        m = _HEADER.match(line)
        if not m:
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        header[m.group(1).lower()] = m.group(2)
    return header


def load_query_file(path: Path) -> NamedQuery:
    """Read a .rq file and its header (summary and returns may be empty for ad-hoc files)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"cannot read query file: {exc.strerror or exc}", doc=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise QueryError(f"the query file is not UTF-8 text (byte {exc.start})", doc=str(path)) from None
    header = parse_header(text)
    returns = tuple(c.strip() for c in header.get("returns", "").split(",") if c.strip())
    return NamedQuery(path.stem, path, text, header.get("summary", ""), returns, header)


def queries_dir() -> Path:
    return data_dir("queries")


def list_queries() -> list[NamedQuery]:
    """Every named query in queries/, sorted by name."""
    return [load_query_file(p) for p in sorted(queries_dir().glob("*.rq"))]


def find_query(name_or_file: str) -> NamedQuery:
    """A named query (file stem in queries/) or a path to a .rq file."""
    candidate = Path(name_or_file)
    if name_or_file.endswith(".rq") or candidate.suffix == ".rq" or "/" in name_or_file:
        if not candidate.is_file():
            raise QueryError(f"query file not found: {name_or_file}")
        return load_query_file(candidate)
    path = queries_dir() / f"{name_or_file}.rq"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name_or_file) or not path.is_file():
        names = ", ".join(p.stem for p in sorted(queries_dir().glob("*.rq")))
        raise QueryError(f"unknown query {name_or_file!r}; expected a .rq file or one of: {names}")
    return load_query_file(path)


class ResultTooLarge(QueryError):
    """A query whose result exceeds the row cap of the caller."""


# ---------------------------------------------------------------- safety checks

# Why a parser and not keywords: SPARQL allows \u escapes, comments and any letter case around
# its keywords, and "?s ?p ?o .SERVICE <...>" needs no blank; a keyword scan has been fooled by
# each. The query is parsed by rdflib's SPARQL 1.1 grammar and its parsed form searched for the
# nodes that reach out or write; a text the parser cannot read is refused, never run unchecked.
# The engine itself (Oxigraph) cannot be given a SERVICE handler from Python, so the processes that
# run queries also cut themselves off the network (:func:`isolate_from_network`).
_REACHES_OUT = frozenset({"ServiceGraphPattern"})
_PARSED_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UPDATE_NAMES = {
    "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE", "Modify": "INSERT/DELETE",
    "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE", "Copy": "COPY",
}


def _parsed_names(tree: object) -> Iterator[str]:
    """The name of every node of an rdflib SPARQL parse tree (CompValue and its subclasses)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node.name
            stack.extend(dict.values(node))  # the raw values: CompValue.get would evaluate them
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


@lru_cache(maxsize=512)
def check_query(text: str) -> str:
    """The query form (SELECT, ASK, CONSTRUCT or DESCRIBE) of ``text``, after checking its parsed form.

    Raises QueryRefused for an update (INSERT, DELETE, LOAD, CLEAR, ...) or a query holding SERVICE
    anywhere (OPTIONAL, UNION, FILTER EXISTS, subqueries), and QueryError when the text does not
    parse as a SPARQL 1.1 query.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        try:
            update = parseUpdate(text)
        except Exception:  # noqa: BLE001 - whatever the parser raises, the text is not run
            raise QueryError(f"malformed query: {exc}") from None
        names = [_UPDATE_NAMES[n] for n in _parsed_names(update) if n in _UPDATE_NAMES]
        what = names[0] if names else "update"
        raise QueryRefused(f"updates are refused ({what}): this store is read-only", reason="update") from None
    except Exception as exc:  # noqa: BLE001 - RecursionError on deep nesting, a bad literal, ...
        raise QueryError(f"malformed query: {type(exc).__name__}: {exc}") from None
    names = set(_parsed_names(parsed))
    if names & _REACHES_OUT:
        raise QueryRefused("SERVICE is refused: queries never reach other endpoints", reason="service")
    form = _PARSED_FORMS.get(getattr(parsed[-1], "name", ""), "")
    if not form:
        raise QueryError("malformed query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form


@lru_cache(maxsize=1)
def _packaged_texts() -> frozenset[str]:
    """The texts of the named queries shipped in queries/ (the build runs several per build)."""
    return frozenset(q.text for q in list_queries())


def isolate_from_network() -> bool:
    """Cut the calling process off every network (Linux: a new, empty network namespace).

    The second guard behind :func:`check_query`: Oxigraph answers SERVICE by HTTP and offers Python
    no way to refuse it, so a query process that cannot reach any address makes a gap in the
    parser harmless. Call it before the store is opened and before any thread starts (a process
    without the privilege needs a user namespace, which only a single-threaded process may enter).
    Returns False where the system does not allow it (other platforms, locked-down containers);
    the parsed-form check still stands there.
    """
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return False
    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return False
    for flags in (clone_newnet, clone_newnet | clone_newuser):
        if libc.unshare(flags) == 0:
            log.debug("query process %s: network namespace of its own, no interfaces up", "isolated")
            return True
    log.debug("cannot isolate the query process from the network: %s", os.strerror(ctypes.get_errno()))
    return False


def run_isolated(fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` in a forked child cut off the network (:func:`isolate_from_network`).

    How ``kg query`` runs a query file: the child is single-threaded after the fork, so it can
    enter a network namespace of its own whoever runs it, and the caller's process keeps its
    network. The result (or the KGError raised) comes back pickled through a pipe. Where fork is
    not available the call runs in this process, guarded by the parsed-form check alone.
    """
    import pickle
    import signal

    if not hasattr(os, "fork") or not sys.platform.startswith("linux"):
        return fn(*args)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 0
        try:
            os.close(read_end)
            isolate_from_network()
            try:
                payload = pickle.dumps(("ok", fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            except KGError as exc:
                try:
                    payload = pickle.dumps(("error", exc), protocol=pickle.HIGHEST_PROTOCOL)
                except (RecursionError, pickle.PicklingError, TypeError, AttributeError):
                    # an error carrying a deeply nested object (a parse tree) pickles too deep for
                    # the stack left: its message is what the user needs
                    payload = pickle.dumps(("error", QueryError(str(exc))), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        except BaseException as exc:  # noqa: BLE001 - the parent reports a child that died, and why
            status = 1
            try:
                with os.fdopen(write_end, "wb", closefd=False) as pipe:
                    pipe.write(pickle.dumps(("crash", f"{type(exc).__name__}: {exc}")))
            except BaseException:  # noqa: BLE001, S110 - the exit status still tells
                pass
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    _, status = os.waitpid(pid, 0)
    if not data:
        raise QueryError(f"the query process stopped ({_exit_reason(status)})")
    kind, value = pickle.loads(data)  # noqa: S301 (our own child process)
    if kind == "error":
        raise value
    if kind == "crash":
        raise QueryError(f"the query process stopped ({_exit_reason(status)}: {value})")
    return value


def _exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_KEYWORD = re.compile(r"(?<![?$:\w.\-@])([A-Za-z][A-Za-z0-9_]*)(?![:\w\-])")


def _code_only(text: str) -> str:
    """``text`` with comments, string literals and IRIs blanked, so keywords can be found."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if text[j] == "\\":
                    j += 1
                elif len(quote) == 1 and text[j] == "\n":
                    break
                j += 1
            i = j + len(quote)
            out.append(' "" ')
        elif c == "<":
            m = _IRIREF.match(text, i)
            if m:
                i = m.end()
                out.append(" <> ")
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query-form keyword outside comments, strings and IRIs.

    A cheap guess for content negotiation only (the endpoint picks a result format before the
    query runs); what may run is decided by :func:`check_query` on the parsed form.
    """
    for m in _KEYWORD.finditer(_code_only(text)):
        word = m.group(1).upper()
        if word in _FORMS:
            return word
    return ""


# ---------------------------------------------------------------- running


@dataclass
class QueryResult:
    """What a query returned: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    name: str
    kind: str  # "select" | "ask" | "graph"
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def plain_rows(self) -> list[list[str]]:
        """Rows as plain strings ('' for unbound)."""
        if self.kind == "graph":
            return [[plain(t.subject), plain(t.predicate), plain(t.object)] for t in self.triples]
        if self.kind == "ask":
            return [["true" if self.boolean else "false"]]
        return [[plain(v) for v in row] for row in self.rows]

    def header(self) -> list[str]:
        if self.kind == "graph":
            return ["subject", "predicate", "object"]
        if self.kind == "ask":
            return ["boolean"]
        return list(self.columns)

    def records(self) -> list[dict[str, str]]:
        """Rows as dicts of plain strings, unbound values left out."""
        cols = self.header()
        out = []
        for row in self.plain_rows():
            out.append({c: v for c, v in zip(cols, row, strict=True) if v != ""})
        return out


def to_term(value: object) -> Term:
    """A Python value (str, int, Decimal, float, bool, date, rdflib or pyoxigraph term) as a pyoxigraph term."""
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple):
        return value
    module = type(value).__module__
    if module.startswith("rdflib"):
        from rdflib import BNode, Literal, URIRef

        if isinstance(value, URIRef):
            return ox.NamedNode(str(value))
        if isinstance(value, BNode):
            return ox.BlankNode(str(value))
        if isinstance(value, Literal):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            if value.datatype is not None:
                return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
            return ox.Literal(str(value))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, Decimal):
        return ox.Literal(format(value, "f"), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    if isinstance(value, datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise QueryError(f"cannot bind a value of type {type(value).__name__}: {value!r}")


def _variable(name: str) -> ox.Variable:
    try:
        return ox.Variable(name.lstrip("?$"))
    except ValueError:
        raise QueryError(f"cannot bind {name!r}: not a SPARQL variable name (letters, digits and _)") from None


def execute(
    store: ox.Store,
    text: str,
    *,
    name: str = "query",
    bindings: dict[str, object] | None = None,
    max_rows: int | None = None,
    on_row: Callable[[int], None] | None = None,
) -> QueryResult:
    """Run SPARQL ``text`` on ``store`` (its merged default graph) and materialise the result.

    ``max_rows`` bounds SELECT rows and CONSTRUCT triples: one more raises
    QueryError (a result cap, not truncation). ``on_row`` is called every 1,000
    rows (a hook for deadlines).
    """
    if text not in _packaged_texts():  # the project's own queries are checked by its tests, not per run
        check_query(text)
    subs = {_variable(k): to_term(v) for k, v in (bindings or {}).items()}
    try:
        answer = store.query(text, substitutions=subs or None)  # the default graph holds every triple once (kg.store)
    except SyntaxError as exc:
        raise QueryError(f"malformed query {name}: {exc}") from exc
    except OSError as exc:
        raise QueryError(f"query {name} failed: {exc}") from exc
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(name, "ask", boolean=bool(answer))
    limit = max_rows if max_rows is not None else -1
    try:
        if isinstance(answer, ox.QuerySolutions):
            columns = [v.value for v in answer.variables]
            rows: list[tuple[Term | None, ...]] = []
            for k, sol in enumerate(answer):
                if k == limit:
                    raise ResultTooLarge(f"query {name} returns more than {max_rows} rows; add a LIMIT")
                rows.append(tuple(sol[i] for i in range(len(columns))))
                if on_row and k % 1000 == 999:
                    on_row(k + 1)
            return QueryResult(name, "select", columns=columns, rows=rows)
        triples: list[ox.Triple] = []
        for k, t in enumerate(answer):
            if k == limit:
                raise ResultTooLarge(f"query {name} returns more than {max_rows} triples; add a LIMIT")
            triples.append(t)
            if on_row and k % 1000 == 999:
                on_row(k + 1)
        return QueryResult(name, "graph", triples=triples)
    except OSError as exc:
        raise QueryError(f"query {name} failed: {exc}") from exc


def execute_rows(
    store: ox.Store, text: str, *, name: str = "query", bindings: dict[str, object] | None = None
) -> tuple[list[str], Iterator[tuple[Term | None, ...]]]:
    """A SELECT query's columns and its rows as they come (nothing materialised in Python): for
    results too large to hold, written out row by row."""
    if text not in _packaged_texts():
        check_query(text)
    subs = {_variable(k): to_term(v) for k, v in (bindings or {}).items()}
    try:
        answer = store.query(text, substitutions=subs or None)
    except SyntaxError as exc:
        raise QueryError(f"malformed query {name}: {exc}") from exc
    except OSError as exc:
        raise QueryError(f"query {name} failed: {exc}") from exc
    if not isinstance(answer, ox.QuerySolutions):
        raise QueryError(f"query {name} must be a SELECT query")
    columns = [v.value for v in answer.variables]
    width = len(columns)

    def rows() -> Iterator[tuple[Term | None, ...]]:
        try:
            for sol in answer:
                yield tuple(sol[i] for i in range(width))
        except OSError as exc:
            raise QueryError(f"query {name} failed: {exc}") from exc

    return columns, rows()


def run_query(name_or_file: str, data_dir: Path, bindings: dict | None = None) -> QueryResult:
    """Run a named query (file stem in queries/) or a .rq file against a `kg build` output folder."""
    from kg.outdir import holding_build
    from kg.store import open_store

    q = find_query(name_or_file)
    with holding_build(Path(data_dir)):  # a build switched meanwhile stays on disk until the answer is read
        store = open_store(Path(data_dir))
        return execute(store, q.text, name=q.name, bindings=bindings)


def run_query_text(name_or_file: str, data_dir: Path, fmt: str, bindings: dict | None = None) -> str:
    """:func:`run_query` rendered as ``fmt``: what ``kg query`` runs, in a process cut off the
    network (:func:`run_isolated`)."""
    return format_result(run_query(name_or_file, data_dir, bindings=bindings), fmt)


# ---------------------------------------------------------------- rendering


def plain(term: Term | None) -> str:
    """A term as a plain value: the IRI, the literal's lexical form, ``_:id`` for a blank node."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _csv(result: QueryResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(result.header())
    w.writerows(result.plain_rows())
    return buf.getvalue()


def _tsv_term(term: Term | None) -> str:
    return "" if term is None else str(term)


def _tsv(result: QueryResult) -> str:
    if result.kind == "select":
        lines = ["\t".join("?" + c for c in result.columns)]
        lines += ["\t".join(_tsv_term(v) for v in row) for row in result.rows]
    elif result.kind == "ask":
        lines = ["?boolean", "true" if result.boolean else "false"]
    else:
        lines = ["?subject\t?predicate\t?object"]
        lines += [f"{t.subject}\t{t.predicate}\t{t.object}" for t in result.triples]
    return "\n".join(lines) + "\n"


def json_term(term: Term) -> dict[str, str]:
    """A term as a SPARQL 1.1 JSON results binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _json(result: QueryResult) -> str:
    if result.kind == "ask":
        doc: object = {"head": {}, "boolean": bool(result.boolean)}
    elif result.kind == "graph":
        doc = result.records()
    else:
        bindings = []
        for row in result.rows:
            bindings.append(
                {c: json_term(v) for c, v in zip(result.columns, row, strict=True) if v is not None}
            )
        doc = {"head": {"vars": result.columns}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        attr = ""
        if term.language:
            attr = f' xml:lang="{xml_escape(term.language)}"'
        elif term.datatype.value != XSD + "string":
            attr = f' datatype="{xml_escape(term.datatype.value)}"'
        return f"<literal{attr}>{xml_escape(term.value)}</literal>"
    return f"<literal>{xml_escape(str(term))}</literal>"


def _xml(result: QueryResult) -> str:
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    if result.kind == "ask":
        parts.append(
            "</head>\n<boolean>" + ("true" if result.boolean else "false") + "</boolean>\n</sparql>\n"
        )
        return "".join(parts)
    cols = result.header()
    parts += [f'<variable name="{xml_escape(c)}"/>' for c in cols]
    parts.append("</head>\n<results>")
    rows: Iterable[Sequence[Term | None]]
    if result.kind == "graph":
        rows = [(t.subject, t.predicate, t.object) for t in result.triples]
    else:
        rows = result.rows
    for row in rows:
        parts.append("<result>")
        for c, v in zip(cols, row, strict=True):
            if v is not None:
                parts.append(f'<binding name="{xml_escape(c)}">{_xml_term(v)}</binding>')
        parts.append("</result>")
    parts.append("</results>\n</sparql>\n")
    return "\n".join(parts)


def _table(result: QueryResult) -> str:
    header = result.header()
    rows = result.plain_rows()
    widths = [len(h) for h in header]
    for row in rows:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], len(v))
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


FORMATTERS: dict[str, Callable[[QueryResult], str]] = {
    "table": _table,
    "csv": _csv,
    "tsv": _tsv,
    "json": _json,
    "xml": _xml,
}


def format_result(result: QueryResult, fmt: str) -> str:
    """Render ``result`` as one of FORMATTERS (table, csv, tsv, json, xml)."""
    try:
        formatter = FORMATTERS[fmt]
    except KeyError:
        raise QueryError(f"unknown result format {fmt!r}; expected one of {', '.join(FORMATTERS)}") from None
    return formatter(result)
