"""A LibreTranslate server in miniature, speaking the real HTTP API.

``POST /translate`` takes a JSON body or a form (``q`` a string, or in JSON a
list of strings; ``alternatives`` an integer 0-3), checks the API key when one
is configured, answers 400 for missing parameters, unknown languages,
unavailable pairs, unknown formats and over-limit requests, counts every
request (:meth:`translate_request_count`), and translates with a small built-in dictionary; any
other text comes back as ``"[<target>] <text>"`` so tests can see what
happened. ``GET /languages`` lists the languages with their targets, using
the ISO codes newer servers show (``zh-Hans``) while accepting the model
codes older ones use (``zh``). Faults come from :class:`simulators.base.Simulator`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from flask import jsonify, request

from simulators.base import Fault, Simulator

# Model code -> English name, as LibreTranslate lists them.
DEFAULT_LANGUAGES = {
    "en": "English",
    "zh": "Chinese",
    "vi": "Vietnamese",
    "ru": "Russian",
    "kk": "Kazakh",
    "uz": "Uzbek",
    "th": "Thai",
    "ms": "Malay",
}
# Model code -> the code a newer server shows in /languages.
ISO_CODES = {"zh": "zh-Hans", "zt": "zh-Hant", "pb": "pt-BR"}
_MODEL_CODES = {iso.lower(): model for model, iso in ISO_CODES.items()}

# (source, target) model codes -> {text: translation}.
DEFAULT_DICTIONARY: dict[tuple[str, str], dict[str, str]] = {
    ("zh", "en"): {"红色": "Red", "颜色": "Color", "连衣裙": "Dress", "你好": "Hello"},
    ("zh", "vi"): {"红色": "Đỏ", "颜色": "Màu sắc", "连衣裙": "Váy liền", "你好": "Xin chào"},
    ("zh", "ru"): {"红色": "Красный", "颜色": "Цвет", "连衣裙": "Платье", "你好": "Привет"},
    ("zh", "kk"): {"红色": "Қызыл", "颜色": "Түсі", "你好": "Сәлем"},
    ("zh", "uz"): {"红色": "Qizil", "颜色": "Rang", "你好": "Salom"},
    ("zh", "th"): {"红色": "สีแดง", "颜色": "สี", "你好": "สวัสดี"},
    ("zh", "ms"): {"红色": "Merah", "颜色": "Warna", "你好": "Helo"},
    ("en", "vi"): {"Hello": "Xin chào"},
}


def model_code(code: str) -> str:
    """The model code for a requested code (``zh-Hans`` -> ``zh``), as the server maps it."""
    lowered = code.strip().lower()
    return _MODEL_CODES.get(lowered, lowered)


class LibreTranslateSimulator(Simulator):
    """LibreTranslate on 127.0.0.1; ``api_key`` set means every request needs it."""

    name = "libretranslate-simulator"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        languages: Mapping[str, str] | None = None,
        missing_pairs: Iterable[tuple[str, str]] = (),
        dictionary: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
        batch_limit: int = -1,
        char_limit: int = -1,
    ) -> None:
        self.api_key = api_key
        self.languages = dict(languages if languages is not None else DEFAULT_LANGUAGES)
        self.missing_pairs = {(model_code(s), model_code(t)) for s, t in missing_pairs}
        self.dictionary = {
            pair: dict(entries) for pair, entries in (dictionary or DEFAULT_DICTIONARY).items()
        }
        self.batch_limit = batch_limit
        self.char_limit = char_limit
        # What each accepted /translate call asked for, for assertions.
        self.translate_calls: list[dict] = []
        # An engine that rewrites the placeholders it was asked to keep ([[1]] -> [1]).
        self.mangles_placeholders = False
        super().__init__()

    def translate_request_count(self) -> int:
        """Every POST /translate received, answered or refused."""
        return sum(1 for method, path in list(self.requests) if path.startswith("/translate"))

    def reset(self) -> None:
        """Forget recorded calls and pending faults, so one server can serve many tests."""
        with self._lock:
            self.faults.clear()
        self.requests.clear()
        self.translate_calls.clear()
        self.mangles_placeholders = False

    # -- scripted faults with realistic bodies --------------------------------------
    def slow_down(self, retry_after: float | None = None, times: int = 1) -> None:
        """Answer the next /translate with 429, as Flask-Limiter does."""
        headers = {"Content-Type": "application/json"}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        body = json.dumps({"error": "Slowdown: 30 per 1 minute"})
        self.inject(
            Fault(kind="status", status=429, body=body, headers=headers, path="/translate"),
            times=times,
        )

    def fail(self, status: int = 500, times: int = 1) -> None:
        """Answer the next /translate with a server error."""
        body = json.dumps({"error": "Cannot translate text: model crashed"})
        headers = {"Content-Type": "application/json"}
        self.inject(
            Fault(kind="status", status=status, body=body, headers=headers, path="/translate"),
            times=times,
        )

    # -- routes ---------------------------------------------------------------------
    def setup_routes(self) -> None:
        self.app.add_url_rule("/languages", "languages", self._languages, methods=["GET"])
        self.app.add_url_rule("/translate", "translate", self._translate, methods=["POST"])

    def _languages(self):
        return jsonify(
            [
                {
                    "code": ISO_CODES.get(code, code),
                    "name": name,
                    "targets": [ISO_CODES.get(t, t) for t in self._targets(code)],
                }
                for code, name in self.languages.items()
            ]
        )

    def _targets(self, source: str) -> list[str]:
        return sorted(
            t for t in self.languages if t != source and (source, t) not in self.missing_pairs
        )

    def _translate(self):
        params, problem = self._params()
        if problem:
            return problem
        key_problem = self._check_key(params.get("api_key"))
        if key_problem:
            return key_problem
        q, source, target = params.get("q"), params.get("source"), params.get("target")
        for name, value in (("q", q), ("source", source), ("target", target)):
            if not value:
                return _error(400, f"Invalid request: missing {name} parameter")
        batch = isinstance(q, list)
        texts = q if batch else [q]
        if not all(isinstance(t, str) for t in texts):
            return _error(400, "Invalid request: q must be a string or a list of strings")
        alternatives = params.get("alternatives", 0)
        if not isinstance(alternatives, int) or isinstance(alternatives, bool):
            try:
                alternatives = int(alternatives)
            except (TypeError, ValueError):
                return _error(400, "Invalid request: alternatives must be an integer")
        if not 0 <= alternatives <= 3:
            return _error(400, "Invalid request: alternatives must be between 0 and 3")
        if batch and self.batch_limit != -1 and len(texts) > self.batch_limit:
            return _error(
                400,
                f"Invalid request: request ({len(texts)}) exceeds text limit ({self.batch_limit})",
            )
        chars = sum(len(t) for t in texts)
        if self.char_limit != -1 and chars > self.char_limit:
            return _error(
                400, f"Invalid request: request ({chars}) exceeds text limit ({self.char_limit})"
            )
        text_format = params.get("format") or "text"
        detected = None
        source_code = model_code(source)
        if source_code == "auto":
            source_code = "zh" if any(_has_cjk(t) for t in texts) else "en"
            detected = {"confidence": 90.0, "language": ISO_CODES.get(source_code, source_code)}
        target_code = model_code(target)
        for code, given in ((source_code, source), (target_code, target)):
            if code not in self.languages:
                return _error(400, f"{given} is not supported")
        if text_format not in ("text", "html"):
            return _error(400, f"{text_format} format is not supported")
        if target_code == source_code or (source_code, target_code) in self.missing_pairs:
            return _error(
                400,
                f"{self.languages[target_code]} ({target}) is not available as a target "
                f"language from {self.languages[source_code]} ({source})",
            )
        self.translate_calls.append(
            {"q": q, "source": source, "target": target, "format": text_format}
        )
        results = [self._translate_one(t, source_code, target_code, target) for t in texts]
        answer: dict = {"translatedText": results if batch else results[0]}
        if detected is not None:
            answer["detectedLanguage"] = [detected] * len(texts) if batch else detected
        return jsonify(answer)

    def _params(self):
        """The request's parameters from JSON or a form, as the real server reads them."""
        if request.is_json:
            payload = request.get_json(silent=True)
            if not isinstance(payload, dict):
                return {}, _error(400, "Invalid JSON format")
            return payload, None
        params = {key: request.values.get(key) for key in request.values}
        if isinstance(params.get("q"), str):
            # The real server normalizes form line endings before counting characters.
            params["q"] = "\n".join(params["q"].splitlines())
        return params, None

    def _check_key(self, given: str | None):
        if self.api_key is None:
            return None
        if given and given != self.api_key:
            return _error(403, "Invalid API key")
        if not given:
            return _error(400, "Please contact the server operator to get an API key")
        return None

    def _translate_one(self, text: str, source: str, target: str, target_given: str) -> str:
        known = self.dictionary.get((source, target), {})
        if text in known:
            return known[text]
        if not text.strip():
            return ""
        if self.mangles_placeholders:
            text = _PLACEHOLDER.sub(lambda m: f"[{m.group(1)}]", text)
        return f"[{target_given}] {romanized(text)}"


_PLACEHOLDER = re.compile(r"\[\[(\d+)\]\]")


def _error(status: int, message: str):
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def romanized(text: str) -> str:
    """Chinese characters as code points (``纯`` -> ``u7eaf``): a made-up translation.

    A real service answers in the target language; echoing the Chinese would make
    every simulated translation look untranslated.
    """
    return "".join(f"u{ord(ch):x}" if _has_cjk(ch) else ch for ch in text)
