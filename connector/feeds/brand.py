"""A brand a foreign shop can print: the seller's own, or the factory's trade name in Latin.

A Chinese company name reads region + trade name + trade + legal form
(义乌市 星辰 服饰 有限公司). Marketplaces want the trade name, in Latin letters:
"Xingchen". Transliteration is anyascii's (pinyin for Han characters, one
capitalised syllable each, no tones); it also covers any other script.
"""

from __future__ import annotations

import re

from anyascii import anyascii

from adapters.han import has_han

# The legal form at the end of the name, longest first.
_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "公司",
    "工厂",
    "厂",
    "商行",
    "经营部",
)
# Trades that follow the trade name; dropped only when a trade name remains before them.
_TRADES = (
    "工艺品",
    "日用品",
    "塑料制品",
    "服饰",
    "服装",
    "制衣",
    "针织",
    "纺织",
    "鞋业",
    "箱包",
    "玩具",
    "电子",
    "科技",
    "贸易",
    "实业",
    "工贸",
    "进出口",
    "家居",
    "五金",
    "文具",
    "饰品",
    "电器",
    "包装",
    "印刷",
    "工艺",
)
# Region prefixes: a province, city, county or district name ends in one of these.
_REGION = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}省)?(?:[\u4e00-\u9fff]{2,3}[市县区])*")
_SYLLABLE = re.compile(r"[A-Z][a-z]*|[^A-Z]+")


def trade_name(company: str) -> str:
    """义乌市星辰服饰有限公司 -> 星辰: the distinctive part of a Chinese company name."""
    name = (company or "").strip()
    for form in _LEGAL_FORMS:
        if name.endswith(form) and len(name) > len(form):
            name = name[: -len(form)]
            break
    core = _REGION.sub("", name)
    if len(core) >= 2:
        name = core
    stripped = True
    while stripped:
        stripped = False
        for trade in _TRADES:
            if name.endswith(trade) and len(name) - len(trade) >= 2:
                name, stripped = name[: -len(trade)], True
                break
    return name


def latin(text: str) -> str:
    """Latin letters for any script; Han syllables joined per word (星辰 -> Xingchen)."""
    out = []
    for chunk in re.split(r"(\s+)", text or ""):
        if not has_han(chunk):
            out.append(anyascii(chunk))
            continue
        # anyascii capitalises each Han syllable ("XingChen"); a brand reads as one word.
        syllables = "".join(
            part.lower() if part[:1].isupper() else part
            for part in _SYLLABLE.findall(anyascii(chunk))
        )
        out.append(syllables[:1].upper() + syllables[1:])
    return re.sub(r"\s+", " ", "".join(out)).strip()


def default_brand(company: str) -> str:
    """The factory's trade name in Latin letters, or "" when it has none."""
    return latin(trade_name(company)) if has_han(company) else (company or "").strip()
