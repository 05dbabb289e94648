"""Hypothesis strategies: random listings as a factory could save them."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import strategies as st

OPTION_VALUES = ["白色", "黑色", "红色", "M", "XL", "均码"]
HS_CODES = [None, "6109.10.00", "4202.92", "9503.00", "3926.90"]


def _money(low: str, high: str) -> st.SearchStrategy[D]:
    return st.decimals(D(low), D(high), places=2, allow_nan=False, allow_infinity=False)


def _side() -> st.SearchStrategy[D]:
    return st.decimals(D("0.5"), D("80"), places=1, allow_nan=False, allow_infinity=False)


@st.composite
def tiers(draw) -> list[tuple[int, D]]:
    quantities = sorted(draw(st.sets(st.integers(1, 1200), min_size=0, max_size=3)))
    prices = sorted(
        (draw(_money("0.50", "400")) for _ in quantities), reverse=True
    )  # bigger orders, lower unit price
    return list(zip(quantities, prices, strict=True))


@st.composite
def variants(draw) -> list[dict]:
    out = []
    for n in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["tier", "own", "delta"]))
        out.append(
            {
                "sku": f"SKU-{n}",
                "options": {"颜色": draw(st.sampled_from(OPTION_VALUES))},
                "price": draw(_money("1", "300")) if kind == "own" else None,
                "price_delta": draw(_money("0", "20")) if kind == "delta" else None,
                "stock": draw(st.integers(0, 5000)),
            }
        )
    return out


@st.composite
def listings(draw) -> dict:
    """The fields of one submitted listing and its child rows."""
    measured = draw(st.booleans())
    carton = measured and draw(st.booleans())
    return {
        "title_zh": draw(st.sampled_from(["纯棉T恤", "双肩背包", "硅胶手机壳", "积木玩具"])),
        "description_zh": draw(st.sampled_from(["", "精梳棉", "防水面料"])),
        "category": draw(st.sampled_from([None, "服装 > T恤", "箱包"])),
        "hs_code": draw(st.sampled_from(HS_CODES)),
        "weight_g": draw(st.integers(10, 20000)) if measured else None,
        "length_cm": draw(_side()) if measured else None,
        "width_cm": draw(_side()) if measured else None,
        "height_cm": draw(_side()) if measured else None,
        "units_per_carton": draw(st.integers(1, 100)) if carton else None,
        "carton_length_cm": D("60") if carton else None,
        "carton_width_cm": D("40") if carton else None,
        "carton_height_cm": D("40") if carton else None,
        "carton_weight_g": draw(st.integers(500, 25000)) if carton else None,
        "moq": draw(st.one_of(st.none(), st.integers(1, 500))),
        "lead_time_days": draw(st.integers(1, 30)),
        "tiers": draw(tiers()),
        "variants": draw(variants()),
        "customizations": [
            {"name": "丝印logo", "extra_unit_cost": draw(_money("0.10", "5")), "extra_moq": moq}
            for moq in draw(st.lists(st.integers(0, 500), max_size=2))
        ],
        "images": draw(st.integers(0, 2)),
    }
