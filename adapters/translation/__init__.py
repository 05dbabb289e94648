"""Machine translation providers and the curated glossary of structured values.

Providers are registered by name and chosen by configuration::

    translator = build_translator({"provider": "libretranslate", "url": "http://mt:5000"})
    translator.translate_batch(["红色连衣裙"], "zh_Hans", "vi_VN")

Nothing here connects anywhere, or reads a file, at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from adapters.errors import ProviderNotConfigured
from adapters.translation.libretranslate import LibreTranslateClient


class Translator(Protocol):
    """What every machine translation provider offers."""

    name: str

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]: ...


PROVIDERS: dict[str, Callable[[Mapping[str, Any]], Translator]] = {
    "libretranslate": LibreTranslateClient.from_settings,
}
DEFAULT_PROVIDER = "libretranslate"


def build_translator(settings: Mapping[str, Any] | None) -> Translator:
    """The configured provider; ``settings["provider"]`` names it (default libretranslate),
    the other keys are the provider's own. Raises ProviderNotConfigured."""
    settings = settings or {}
    name = (settings.get("provider") or DEFAULT_PROVIDER).strip().lower()
    factory = PROVIDERS.get(name)
    if factory is None:
        raise ProviderNotConfigured(
            f"unknown translation provider {name!r}; known: {', '.join(sorted(PROVIDERS))}",
            code="unknown_provider",
            provider=name,
        )
    return factory(settings)


__all__ = ["DEFAULT_PROVIDER", "PROVIDERS", "Translator", "build_translator"]
