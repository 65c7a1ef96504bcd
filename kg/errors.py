"""The one exception root of the project.

Library code raises these; only the CLI turns them into messages and exit codes.
Messages say what was expected, what was found and where (``FILE:LINE``).
"""

from __future__ import annotations


class KGError(Exception):
    """Root of every error the project raises on purpose."""

    def __init__(self, message: str, *, doc: str | None = None, line: int | None = None) -> None:
        self.doc = doc
        self.line = line
        where = ""
        if doc:
            where = f"{doc}:{line}: " if line else f"{doc}: "
        super().__init__(where + message)
        self.message = message

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled whole (subclasses may take other keyword arguments): errors cross process
        # boundaries, from query processes and extraction workers.
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _restore(cls: type[KGError], args: tuple[object, ...], state: dict[str, object]) -> KGError:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc


class InputError(KGError):
    """A source document cannot be read or understood (empty, binary, garbled)."""


class TableError(KGError):
    """A table block cannot be parsed into a grid."""


class ConfigError(KGError):
    """Project data (ontology, shapes, queries, patterns) is missing or malformed."""


class QueryError(KGError):
    """A SPARQL query is unknown, malformed, or refused."""


class UsageError(KGError):
    """The command line was used wrongly (maps to exit status 2)."""
