"""Our category tree (``locales/categories.toml``): names in every language, taxonomy ids.

A listing stores its category as the Chinese path the factory picked
(``家居日用 > 清洁工具``); this module finds the tree's node for such a path,
so offers and feeds name it in the buyer's language without translating it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TREE_FILE = Path(__file__).resolve().parents[1] / "locales" / "categories.toml"
SOURCE_LANGUAGE = "zh_Hans"
# Factories write levels with ">", "/", "＞" or "／"; a path is its levels.
_LEVEL_SEPARATOR = re.compile(r"\s*[>/＞／]\s*")


class CategoryTreeError(ValueError):
    """The tree file is malformed: a name missing in a language, a parent unknown."""


@dataclass(frozen=True)
class Category:
    id: str
    google_id: int | None
    hs_hint: str
    names: dict[str, str]  # language (zh_Hans, en, vi, ...) -> name of this level
    parent: str | None

    def name(self, language: str) -> str | None:
        return self.names.get(language)


def levels(path: str | None) -> list[str]:
    """``"家居日用/清洁工具"`` -> ``["家居日用", "清洁工具"]``."""
    return [part for part in _LEVEL_SEPARATOR.split((path or "").strip()) if part]


class CategoryTree:
    def __init__(self, categories: list[Category]) -> None:
        self._by_id = {category.id: category for category in categories}
        self._by_source = {tuple(self._chain_names(c, SOURCE_LANGUAGE)): c for c in categories}

    def _chain(self, category: Category) -> list[Category]:
        chain = [category]
        while chain[0].parent is not None:
            chain.insert(0, self._by_id[chain[0].parent])
        return chain

    def _chain_names(self, category: Category, language: str) -> list[str]:
        return [node.names.get(language) or "" for node in self._chain(category)]

    def all(self) -> list[Category]:
        return list(self._by_id.values())

    def find(self, path: str | None) -> Category | None:
        """The node a listing's category path names, or None for free text."""
        return self._by_source.get(tuple(levels(path)))

    def path(self, category: Category, language: str, separator: str = " > ") -> str | None:
        """The node's full path in ``language``, or None if a level lacks a name there."""
        names = self._chain_names(category, language)
        return separator.join(names) if all(names) else None

    def languages(self) -> set[str]:
        first = next(iter(self._by_id.values()), None)
        return set(first.names) if first else set()


def _load(path: Path) -> CategoryTree:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CategoryTreeError(f"{path}: {exc}") from exc
    rows = document.get("category") or []
    languages: set[str] | None = None
    categories: list[Category] = []
    for row in rows:
        names = {
            key: value
            for key, value in row.items()
            if key not in ("id", "google_id", "hs_hint") and isinstance(value, str)
        }
        if languages is None:
            languages = set(names)
        if set(names) != languages or not all(names.values()):
            raise CategoryTreeError(f"{path}: {row.get('id')} lacks a name in some language")
        category_id = str(row["id"])
        parent = category_id.rpartition(".")[0] or None
        if parent is not None and parent not in {c.id for c in categories}:
            raise CategoryTreeError(f"{path}: {category_id} comes before its parent")
        categories.append(
            Category(category_id, row.get("google_id"), row.get("hs_hint", ""), names, parent)
        )
    return CategoryTree(categories)


@lru_cache(maxsize=1)
def category_tree() -> CategoryTree:
    return _load(TREE_FILE)


def language_of(locale: str) -> str:
    """The tree's language for a locale: ``ru_KZ`` -> ``ru``, ``zh_Hans`` stays."""
    return locale if locale.startswith("zh") else locale.split("_", 1)[0]
