"""Settings: the limits a build holds every input to, each a named setting with a default.

Input: nothing, or the values given on the command line. Output: a frozen ``BuildLimits``.

Over a limit, the file (or the line, block or table) is reported with ``FILE:LINE`` and the
other documents still build:

- ``max_file_bytes``: a larger file is not read at all (reported as failed), so memory stays
  bounded whatever is put in the input folder;
- ``max_line_chars``: a longer line (a rendered HTML paragraph counts as one line) is left out
  with a warning; a release prints nothing that long, a blob of data does;
- ``max_prose_chars``: a longer run of prose is split at line ends into pieces of at most this
  many characters before spaCy sees it (spaCy refuses texts over 1,000,000 characters and needs
  about 1 GB of memory per 100,000);
- ``max_tables``: tables of a document beyond this many are left out with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from kg.errors import UsageError

SPACY_MAX_LENGTH = 1_000_000  # spaCy's own bound on one text (its error E088)


@dataclass(frozen=True)
class BuildLimits:
    max_file_bytes: int = 16 * 1024 * 1024
    max_line_chars: int = 50_000
    max_prose_chars: int = 100_000
    max_tables: int = 500

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or value < 1:
                raise UsageError(f"{f.name} must be a positive whole number, not {value!r}")
        if self.max_prose_chars > SPACY_MAX_LENGTH:
            raise UsageError(f"max_prose_chars must be at most {SPACY_MAX_LENGTH:,} (spaCy's limit on one text)")
        if self.max_line_chars > self.max_prose_chars:
            raise UsageError(
                f"max_line_chars ({self.max_line_chars:,}) must not exceed max_prose_chars ({self.max_prose_chars:,}): "
                "prose is split at line ends"
            )


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B?|B)?\s*$", re.I)
_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def parse_size(text: str) -> int:
    """``16MB``, ``512K``, ``2GiB`` or plain bytes → bytes (binary multiples)."""
    m = _SIZE.match(text)
    if not m:
        raise UsageError(f"expected a size such as 16MB, 512KB or 1000000, got {text!r}")
    unit = (m.group(2) or "").upper()[:1]
    return int(float(m.group(1)) * _UNITS[unit])
