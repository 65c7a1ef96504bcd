"""Plain-Python view of analysed prose: entities with character spans inside a sentence.

Input: nothing (definitions). Output: :class:`Ent` and :class:`Sentence`, the
form the relation and figure rules work on, so those rules can be tested on
hand-made sentences without spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.facts import EntityRef

SITE_TYPES = ("Mine", "MiningUnit", "Property", "Project", "Facility", "OreBody")
ORG_TYPES = ("Company", "Organization")


@dataclass(frozen=True)
class Ent:
    """An entity occurrence: sentence-relative character span, type, canonical label."""

    start: int
    end: int
    type: str
    label: str
    text: str
    modifiers: tuple[str, ...] = ()  # words dropped from the label ("silver", "underground")
    bare: bool = False  # named without its head noun ("La Camorra" for a unit or a mine)

    @property
    def ref(self) -> EntityRef:
        return EntityRef(self.label, self.type)


@dataclass(frozen=True)
class Tok:
    """One token of a parsed sentence: sentence-relative span, lemma, coarse and fine tags, the
    dependency label and the index of its head among the sentence's tokens (its own for the root)."""

    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int


@dataclass(frozen=True)
class Sentence:
    """One sentence of prose with its entities (in order) and where it sits in the document."""

    text: str
    ents: tuple[Ent, ...]
    offset: int = 0  # of the sentence within its block text
    topic: Ent | None = None  # the entity the paragraph's run-in heading names ("LUCKY FRIDAY - ")
    context: Ent | None = None  # the last mine, unit or property named earlier in the paragraph
    only_site: Ent | None = None  # the document's one mine or unit, when it names a single one
    paragraph_site: Ent | None = None  # the mine or unit the paragraph's first sentence is about
    section: str = ""
    line_starts: tuple[int, ...] = (0,)  # block offsets where each analysis line starts
    first_line: int = 1  # analysis line of the block's first line
    tokens: tuple[Tok, ...] = ()  # the parse, for sentences that state figures (none on a blank pipeline)
    _template: list[str] = field(default_factory=list, compare=False, repr=False)

    def line_of(self, pos: int) -> int:
        """Analysis line of a sentence-relative character position."""
        absolute = self.offset + pos
        n = 0
        for i, start in enumerate(self.line_starts):
            if start <= absolute:
                n = i
            else:
                break
        return self.first_line + n

    def column_of(self, pos: int) -> int:
        """Where a sentence-relative position falls within its analysis line (leading blanks left out)."""
        n = self.line_of(pos) - self.first_line
        return self.offset + pos - self.line_starts[n]

    def template(self) -> str:
        """The sentence with each entity replaced by ``<i|Type>`` (i = index in ``ents``)."""
        if not self._template:
            parts, last = [], 0
            for i, ent in enumerate(self.ents):
                parts.append(self.text[last : ent.start])
                parts.append(f"<{i}|{ent.type}>")
                last = ent.end
            parts.append(self.text[last:])
            self._template.append("".join(parts))
        return self._template[0]

    def ent_at(self, template_pos: int) -> int:
        """Index of the entity whose placeholder starts at ``template_pos`` in the template."""
        m = _PLACEHOLDER.match(self.template(), template_pos)
        if not m:
            raise ValueError(f"no entity placeholder at {template_pos}")
        return int(m.group(1))

    def position(self, template_pos: int) -> int:
        """Map a template position back to a sentence character position (approximately)."""
        text_pos, tpl_pos, last = 0, 0, 0
        for i, ent in enumerate(self.ents):
            gap = ent.start - last
            placeholder = len(f"<{i}|{ent.type}>")
            if template_pos < tpl_pos + gap:
                return text_pos + (template_pos - tpl_pos)
            tpl_pos += gap
            text_pos = ent.start
            if template_pos < tpl_pos + placeholder:
                return ent.start
            tpl_pos += placeholder
            text_pos = ent.end
            last = ent.end
        return text_pos + (template_pos - tpl_pos)


_PLACEHOLDER = re.compile(r"<(\d+)\|(\w+)>")


def ph(*types: str) -> str:
    """A regex for one entity placeholder of the given types, capturing its index."""
    return r"<(\d+)\|(?:" + "|".join(types) + r")>"
