"""Han characters: text still in Chinese, which no buyer abroad can read.

One definition for the connector (offer readiness, feeds, glossary review) and
the channel adapters (refusing an untranslated title), so the two never
disagree about what counts as Chinese. It lives in ``adapters/`` because
adapters may not import the connector, while the connector may import adapters.
"""

from __future__ import annotations

import re

# CJK unified ideographs and extension A, compatibility ideographs, and the
# supplementary planes' extensions B onwards (rare characters in names and places).
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def has_han(text: str | None) -> bool:
    """Whether ``text`` holds Chinese characters: then no buyer abroad can read it."""
    return bool(text) and HAN.search(text) is not None
