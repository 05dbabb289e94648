"""A title still holding Chinese is refused by every channel before any call."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.channels.base import ChannelProduct, ChannelRefused
from adapters.channels.ozon import OzonClient, OzonSettings
from adapters.channels.shopee import ShopeeClient, ShopeeSettings
from adapters.channels.tiktok import TiktokClient, TiktokSettings
from adapters.channels.wildberries import WildberriesClient, WildberriesSettings

# Nothing listens here: a refusal must come before any request.
NOWHERE = "http://127.0.0.1:9"

# Each channel's client, and a category id of the form ops map for it.
CLIENTS = {
    "shopee": (
        lambda: ShopeeClient(ShopeeSettings(NOWHERE, "2001887", "key"), "1", "token"),
        "100017",
    ),
    "ozon": (lambda: OzonClient(OzonSettings(NOWHERE), "836201", "key"), "17028922:91565"),
    "wildberries": (
        lambda: WildberriesClient(WildberriesSettings(NOWHERE, NOWHERE), "token"),
        "192",
    ),
    "tiktok": (
        lambda: TiktokClient(TiktokSettings(NOWHERE, "app", "secret"), "cipher", "token"),
        "601226",
    ),
}


def check(channel: str, title: str) -> None:
    """The channel's own check of a product that is fine but for ``title``."""
    make_client, category_id = CLIENTS[channel]
    make_client().check(product(title, category_id))


def product(title: str, category_id: str) -> ChannelProduct:
    return ChannelProduct(
        sku="TEE-1-BLK-M",
        group="1",
        title=title,
        description="Хлопковая футболка с круглым вырезом",
        price=Decimal("4990"),
        currency="KZT",
        stock=10,
        brand="Xingchen",
        category_id=category_id,
        images=("https://img.example/1.jpg",),
    )


@pytest.mark.parametrize("channel", sorted(CLIENTS))
@pytest.mark.parametrize(
    "title",
    [
        pytest.param("Футболка 棉 чёрная", id="common_ideograph"),
        # Rare characters of names and places live outside the basic plane.
        pytest.param("Футболка \U00020000 чёрная", id="extension_b"),
        pytest.param("Футболка \U0002a700 чёрная", id="extension_c"),
    ],
)
def test_a_title_with_han_characters_is_refused_as_untranslated(channel, title):
    with pytest.raises(ChannelRefused) as refused:
        check(channel, title)
    assert refused.value.reasons == [{"code": "title_untranslated"}]


@pytest.mark.parametrize("channel", sorted(CLIENTS))
def test_the_same_product_with_a_translated_title_passes(channel):
    check(channel, "Футболка хлопковая, чёрная, M")
