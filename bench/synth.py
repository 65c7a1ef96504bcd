"""A synthetic corpus: N releases varied from the sample releases, seeded.

Copy n is sample n mod 5 with the names of the sample's company, units, mines, people and
partners replaced: every proper word of those names (read from the corpus tier of the gazetteer,
``ontology/gazetteer-corpus.ttl``, not from a list here; a word the samples also print in lower
case is a word of the language and stays) becomes a made-up word of the same length
and the same capitals, the same one everywhere in that copy and a different one in the next copy.
Equal lengths keep every table's columns where they were; the numbers are left as printed, so each
copy's figures agree with each other exactly as the sample's do and the checks stay as quiet as on
the samples; and since each copy reports for a company of its own, no two copies restate each
other. Places, commodities and the words of the trade are kept.

    python -m bench.synth N OUT [--seed S]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SKOS

# Words of names that are words of the trade or of the language, kept as they are: only the
# proper part of a name changes ("Lucky Friday Unit" -> "Jorvex Pamdal Unit").
KEEP = {
    "a", "an", "and", "co", "company", "corp", "corporation", "creek", "de", "del", "deposit", "district",
    "el", "facility", "inc", "la", "las", "limited", "los", "ltd", "mill", "mina", "mine", "mines",
    "mining", "of", "operation", "project", "property", "river", "san", "shaft", "the", "unit", "vein",
    "zone", "jr", "sr",
}
_VOWELS, _CONSONANTS = "aeiou", "bcdfghjklmnprstvz"
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")


def name_words(gazetteer: Path, texts: list[str] = ()) -> list[str]:
    """The proper words of the corpus tier's names (everything but places), longest first: words
    that ``texts`` never print in lower case (a word printed so, "exploration", "gold", is a word of
    the language, and renaming it would change what the tables and the prose say)."""
    g = Graph().parse(gazetteer, format="turtle")
    places = {s for s, _, o in g.triples((None, None, None)) if str(o).endswith("#Place")}
    words: set[str] = set()
    for p in (SKOS.prefLabel, SKOS.altLabel):
        for s, _, label in g.triples((None, p, None)):
            if s in places:
                continue
            for w in re.findall(r"[A-Za-z][A-Za-z'’]+", str(label)):
                if w.lower() not in KEEP and len(w) > 2:
                    words.add(w.lower())
    # web and mail addresses print names in lower case too ("www.name-mining.com"): not words of the language
    prose = [_ADDRESS.sub(" ", text) for text in texts]
    common = {w for text in prose for w in re.findall(r"(?<![A-Za-z])[a-z][a-z'’]+", text)}
    return sorted(words - common, key=lambda w: (-len(w), w))


def _made_up(length: int, rng: random.Random) -> str:
    out = []
    for i in range(length):
        out.append(rng.choice(_CONSONANTS if i % 2 == 0 else _VOWELS))
    return "".join(out)


def _cased(new: str, like: str) -> str:
    if like.isupper():
        return new.upper()
    if like[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def renamer(words: list[str], rng: random.Random):
    """A function text -> text replacing every word of ``words`` (any case) by its made-up twin."""
    twins = {w: _made_up(len(w), rng) for w in words}
    pattern = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in words) + r")(?![A-Za-z])", re.I)

    def rename(text: str) -> str:
        return pattern.sub(lambda m: _cased(twins[m.group(1).lower()], m.group(1)), text)

    return rename


def generate(n: int, out: Path, *, seed: int = 13, samples: Path | None = None) -> list[Path]:
    """Write ``n`` releases into ``out`` (created); returns their paths."""
    from kg.resources import ontology_file, sample_corpus

    folder = samples or sample_corpus()
    sources = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".txt", ".htm", ".html"))
    texts = [p.read_bytes().decode("latin-1") for p in sources]  # bytes kept one to one
    words = name_words(ontology_file("gazetteer-corpus.ttl"), texts)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        j = k % len(sources)
        text = renamer(words, rng)(texts[j])
        data = text.encode("latin-1")
        path = out / f"{k:05d}_{hashlib.sha1(data).hexdigest()[:12]}{sources[j].suffix}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="how many releases")
    ap.add_argument("out", type=Path, help="folder to write them into")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    paths = generate(args.n, args.out, seed=args.seed)
    print(f"wrote {len(paths)} releases into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
