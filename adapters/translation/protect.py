"""Terms the machine must not translate: swapped for placeholders before, restored after.

Brand names, sizes (S, XL, 2XL, 110cm) and named prints (囍, 福) have one right
rendering, the glossary's; an engine guesses (福 as "blessing", "M" as a
metre). So each such term in a text becomes a placeholder the engine copies
as it is (``[[1]]``), and the glossary's rendering goes back in its place.
An engine that dropped, doubled or changed a placeholder has garbled the
text around it too: :func:`restore` answers None and the text waits for a
person rather than reaching a buyer half right.

Pure functions: no glossary loading, no HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Glossary groups whose terms are protected inside longer texts.
PROTECTED_GROUPS = ("size", "print", "brand")

PLACEHOLDER = "[[{}]]"
# Common words holding 福 or 囍 that are not the named print.
COMPOUNDS = ("幸福", "祝福", "福利", "福建", "福州", "福气", "造福", "福音")
_PLACEHOLDER = re.compile(r"\[\[(\d+)\]\]")
# Sizes and measures written in Latin letters and digits read the same in every
# market; they must come out exactly as they went in. Bounded by anything that is
# not a Latin letter or digit, because Chinese runs straight into them ("M码").
_SIZE = re.compile(
    r"(?<![A-Za-z0-9.])"
    r"(?:[2-6]?X{1,3}[SL]|XS|S|M|L|\d+(?:\.\d+)?\s?(?i:cm|mm|ml|kg|g|m|l))"
    r"(?![A-Za-z0-9])"
)


@dataclass(frozen=True)
class Protected:
    """A text with its protected terms replaced, and what each placeholder stands for."""

    text: str
    values: tuple[str, ...]


def protect(text: str, terms: Mapping[str, str]) -> Protected:
    """Replace every occurrence of ``terms`` (source -> rendering in the target
    language), longest first, and every Latin size or measure, by placeholders."""
    values: list[str] = []

    def hold(rendering: str) -> str:
        values.append(rendering)
        return PLACEHOLDER.format(len(values))

    # Longest first, so 囍字 is held whole before 囍 could split it.
    ordered = sorted((t for t in terms if t), key=len, reverse=True)
    pieces: list[tuple[str, bool]] = [(text, False)]  # (text, left as it is from now on)
    # Words that merely contain a print's character (幸福 "happiness", 福建 "Fujian")
    # are the engine's to translate: fence them off before any term is looked for.
    for word in COMPOUNDS:
        pieces = [
            part
            for piece, held in pieces
            for part in ([(piece, held)] if held or word not in piece else _fence(piece, word))
        ]
    for term in ordered:
        out: list[tuple[str, bool]] = []
        for piece, held in pieces:
            if held or term not in piece:
                out.append((piece, held))
                continue
            parts = piece.split(term)
            for index, part in enumerate(parts):
                if index:
                    out.append((hold(terms[term]), True))
                if part:
                    out.append((part, False))
        pieces = out
    result = "".join(
        piece if held else _SIZE.sub(lambda m: hold(m.group(0)), piece) for piece, held in pieces
    )
    return Protected(result, tuple(values))


def _fence(piece: str, word: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for index, part in enumerate(piece.split(word)):
        if index:
            out.append((word, True))
        if part:
            out.append((part, False))
    return out


def restore(translated: str, protected: Protected) -> str | None:
    """The translation with each placeholder replaced by its term's rendering, or
    None when the engine lost, repeated or invented a placeholder."""
    found = [int(n) for n in _PLACEHOLDER.findall(translated)]
    if sorted(found) != list(range(1, len(protected.values) + 1)):
        return None
    return _PLACEHOLDER.sub(lambda m: protected.values[int(m.group(1)) - 1], translated)


__all__ = ["PLACEHOLDER", "PROTECTED_GROUPS", "Protected", "protect", "restore"]
