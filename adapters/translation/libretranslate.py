"""LibreTranslate: the open-source, self-hostable machine translation server.

API (``POST /translate``, ``GET /languages``): the body carries ``q`` (a string,
or a list of strings for a batch), ``source``, ``target``, ``format``
(``text``/``html``) and ``api_key``; the answer is ``{"translatedText": ...}``,
a string or a list in the shape of ``q``. Errors answer ``{"error": "..."}``
with 400 (bad request, unsupported language, over a limit, key required),
403 (invalid API key, or an IP banned for repeated limit violations), 429
(slow down) and 500 (the model failed).

Language codes are the models' codes: ``zh`` is Simplified Chinese on every
server version; newer servers list it as ``zh-Hans`` in ``/languages`` and
accept both spellings, older ones only know ``zh``. So we always send ``zh``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from adapters.errors import (
    AdapterError,
    BadResponse,
    ProviderNotConfigured,
    ProviderUnavailable,
    Rejected,
)
from adapters.http import DEFAULT_TIMEOUT, make_session, parse_timeout, send

PROVIDER = "libretranslate"

DEFAULT_CONNECT_TIMEOUT = DEFAULT_TIMEOUT[0]
# CPU-bound models translating a full batch can take a while; the job retries anyway.
DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_MAX_ITEMS = 50
# Servers often run with --char-limit; the count is the sum of len() over the batch.
DEFAULT_MAX_CHARS = 5000

TEXT_FORMATS = ("text", "html")

# Our locale (lower-cased, "_" separated) -> LibreTranslate model code, where the
# primary subtag alone is not the answer.
_SPECIAL_CODES = {
    "zh": "zh",
    "zh_hans": "zh",
    "zh_cn": "zh",
    "zh_sg": "zh",
    "zh_hans_cn": "zh",
    "zh_hant": "zt",
    "zh_tw": "zt",
    "zh_hk": "zt",
    "zh_hant_tw": "zt",
    "zt": "zt",
    "pt_br": "pb",
    "pb": "pb",
}
# Codes a newer server lists in /languages for models whose code differs.
_ISO_ALIASES = {"zh": "zh-hans", "zt": "zh-hant", "pb": "pt-br"}
_MODEL_FOR_ISO = {iso: model for model, iso in _ISO_ALIASES.items()}
_PRIMARY = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class LibreTranslateSettings:
    """Where the server is and how we talk to it."""

    url: str
    api_key: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    max_items: int = DEFAULT_MAX_ITEMS
    max_chars: int = DEFAULT_MAX_CHARS

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any] | None) -> LibreTranslateSettings:
        """Read ``url`` (alias ``base_url``), ``api_key``, ``timeout`` (seconds, one
        number or ``[connect, read]``) or ``connect_timeout``/``read_timeout``,
        ``max_items`` and ``max_chars``; no URL means the service is off."""
        settings = dict(settings or {})
        url = str(settings.get("url") or settings.get("base_url") or "").strip()
        if not url:
            raise ProviderNotConfigured("no LibreTranslate URL configured", provider=PROVIDER)
        connect_default, read_default = _timeout_pair(settings.get("timeout"))
        return cls(
            url=url,
            api_key=str(settings.get("api_key") or "").strip() or None,
            connect_timeout=_positive(settings, "connect_timeout", connect_default, float),
            read_timeout=_positive(settings, "read_timeout", read_default, float),
            max_items=_positive(settings, "max_items", DEFAULT_MAX_ITEMS, int),
            max_chars=_positive(settings, "max_chars", DEFAULT_MAX_CHARS, int),
        )

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)


def _timeout_pair(raw: Any) -> tuple[float, float]:
    """``timeout`` as (connect, read): one number sets both, a pair sets each."""
    try:
        return parse_timeout(raw, (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT))
    except ValueError as exc:
        raise ProviderNotConfigured(
            f"setting timeout must be seconds or [connect, read], got {raw!r}",
            code="invalid_settings",
            provider=PROVIDER,
        ) from exc


def _positive(settings: Mapping[str, Any], key: str, default, kind):
    raw = settings.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or value <= 0:
        raise ProviderNotConfigured(
            f"setting {key} must be a positive number, got {raw!r}",
            code="invalid_settings",
            provider=PROVIDER,
        )
    return value


@dataclass(frozen=True)
class Language:
    """One entry of ``GET /languages``."""

    code: str
    name: str
    targets: tuple[str, ...] = field(default_factory=tuple)


# -- pure functions: codes, requests, responses ---------------------------------


def libretranslate_code(locale: str) -> str:
    """Our locale as a LibreTranslate code: ``zh_Hans`` -> ``zh``, ``kk_KZ`` -> ``kk``."""
    key = (locale or "").strip().replace("-", "_").lower()
    if key in _SPECIAL_CODES:
        return _SPECIAL_CODES[key]
    primary = key.split("_", 1)[0]
    if _PRIMARY.match(primary):
        return primary
    raise Rejected(
        f"no LibreTranslate language for locale {locale!r}",
        code="unsupported_language",
        provider=PROVIDER,
    )


def same_language(code_a: str, code_b: str) -> bool:
    """Whether two LibreTranslate codes name one model (``zh`` and ``zh-Hans`` do)."""
    return _canonical(code_a) == _canonical(code_b)


def _canonical(code: str) -> str:
    code = code.strip().lower()
    return _MODEL_FOR_ISO.get(code, code)


def supports(languages: Sequence[Language], source: str, target: str) -> bool:
    """Whether a ``/languages`` listing offers the pair (codes as sent, e.g. ``zh`` -> ``kk``)."""
    for language in languages:
        if same_language(language.code, source):
            return any(same_language(t, target) for t in language.targets)
    return False


def endpoint(base_url: str, path: str) -> str:
    """Join the configured URL (which may carry a --url-prefix) and an API path."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def build_translate_request(
    texts: Sequence[str],
    source: str,
    target: str,
    *,
    api_key: str | None = None,
    text_format: str = "text",
) -> dict[str, Any]:
    """The JSON body of ``POST /translate``; ``q`` is always a list so answers are lists."""
    if text_format not in TEXT_FORMATS:
        raise ValueError(f"format must be one of {TEXT_FORMATS}, got {text_format!r}")
    body: dict[str, Any] = {
        "q": list(texts),
        "source": source,
        "target": target,
        "format": text_format,
    }
    if api_key:
        body["api_key"] = api_key
    return body


def parse_translate_response(body: str | bytes, expected: int) -> list[str]:
    """The translations from a 200 answer, checked against the number of texts sent."""
    payload = _json(body)
    if not isinstance(payload, dict) or "translatedText" not in payload:
        detail = payload.get("error") if isinstance(payload, dict) else None
        raise BadResponse(
            f"no translatedText in answer{f': {detail}' if detail else ''}", provider=PROVIDER
        )
    translated = payload["translatedText"]
    if isinstance(translated, str):
        translated = [translated]
    if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
        raise BadResponse("translatedText is not a list of strings", provider=PROVIDER)
    if len(translated) != expected:
        raise BadResponse(
            f"sent {expected} texts, got {len(translated)} translations", provider=PROVIDER
        )
    return translated


def parse_languages_response(body: str | bytes) -> list[Language]:
    """The entries of a ``GET /languages`` answer."""
    payload = _json(body)
    if not isinstance(payload, list):
        raise BadResponse("languages answer is not a list", provider=PROVIDER)
    languages = []
    for item in payload:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            raise BadResponse("language entry without a code", provider=PROVIDER)
        targets = item.get("targets") or []
        if not isinstance(targets, list):
            raise BadResponse("language targets is not a list", provider=PROVIDER)
        languages.append(
            Language(
                code=item["code"],
                name=str(item.get("name") or item["code"]),
                targets=tuple(str(t) for t in targets),
            )
        )
    return languages


def error_from_response(status: int, body: str | bytes) -> AdapterError:
    """Our error for a 4xx answer (429 and 5xx are mapped by ``adapters.http.send``)."""
    message = _error_message(body) or f"HTTP {status}"
    lowered = message.lower()
    if status == 403:
        if "request limits" in lowered:
            # The server bans an IP that keeps hitting its rate limits; the ban decays.
            return ProviderUnavailable(message, code="banned", provider=PROVIDER)
        return AdapterError(message, code="bad_api_key", transient=False, provider=PROVIDER)
    if status == 400:
        if "api key" in lowered:
            # The server requires a key and we sent none.
            return AdapterError(message, code="bad_api_key", transient=False, provider=PROVIDER)
        if "not supported" in lowered or "not available as a target" in lowered:
            return Rejected(message, code="unsupported_language", provider=PROVIDER)
        if "exceeds" in lowered and "limit" in lowered:
            return Rejected(message, code="limit_exceeded", provider=PROVIDER)
        return Rejected(message, provider=PROVIDER)
    return Rejected(message, code=f"http_{status}", provider=PROVIDER)


def chunk_texts(texts: Sequence[str], max_items: int, max_chars: int) -> list[list[str]]:
    """Split texts, in order, into requests of at most ``max_items`` texts and
    ``max_chars`` characters; a single longer text travels alone."""
    if max_items < 1 or max_chars < 1:
        raise ValueError("max_items and max_chars must be at least 1")
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for text in texts:
        if current and (len(current) >= max_items or size + len(text) > max_chars):
            chunks.append(current)
            current, size = [], 0
        current.append(text)
        size += len(text)
    if current:
        chunks.append(current)
    return chunks


def _json(body: str | bytes) -> Any:
    try:
        return json.loads(body)
    except (TypeError, ValueError) as exc:
        raise BadResponse("answer is not JSON", provider=PROVIDER) from exc


def _error_message(body: str | bytes) -> str | None:
    try:
        payload = json.loads(body)
    except (TypeError, ValueError):
        return None
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        return payload["error"]
    return None


# -- the HTTP client -----------------------------------------------------------------


class LibreTranslateClient:
    """Translates batches of texts through one LibreTranslate server."""

    name = PROVIDER

    def __init__(
        self, settings: LibreTranslateSettings, session: requests.Session | None = None
    ) -> None:
        self.settings = settings
        self.session = session or make_session({"Accept": "application/json"})

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any] | None, session: requests.Session | None = None
    ) -> LibreTranslateClient:
        return cls(LibreTranslateSettings.from_mapping(settings), session=session)

    def translate_batch(
        self, texts: list[str], source: str, target: str, *, text_format: str = "text"
    ) -> list[str]:
        """Translate ``texts`` from locale ``source`` to ``target``, answers in input order.

        Blank texts come back unchanged and repeated texts are sent once.
        """
        source_code = libretranslate_code(source)
        target_code = libretranslate_code(target)
        if source_code == target_code:
            return list(texts)
        unique = list(dict.fromkeys(t for t in texts if t.strip()))
        translated: dict[str, str] = {}
        for chunk in chunk_texts(unique, self.settings.max_items, self.settings.max_chars):
            body = build_translate_request(
                chunk,
                source_code,
                target_code,
                api_key=self.settings.api_key,
                text_format=text_format,
            )
            translated.update(zip(chunk, self._translate_chunk(body), strict=True))
        return [translated.get(t, t) for t in texts]

    def translate(self, text: str, source: str, target: str) -> str:
        return self.translate_batch([text], source, target)[0]

    def languages(self) -> list[Language]:
        """The languages the server has models for, each with its target codes."""
        response = send(
            self.session,
            "GET",
            endpoint(self.settings.url, "languages"),
            provider=PROVIDER,
            timeout=self.settings.timeout,
        )
        if not response.ok:
            raise error_from_response(response.status_code, response.content)
        return parse_languages_response(response.content)

    def _translate_chunk(self, body: dict[str, Any]) -> list[str]:
        response = send(
            self.session,
            "POST",
            endpoint(self.settings.url, "translate"),
            provider=PROVIDER,
            timeout=self.settings.timeout,
            json=body,
        )
        if not response.ok:
            raise error_from_response(response.status_code, response.content)
        return parse_translate_response(response.content, len(body["q"]))
