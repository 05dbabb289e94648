"""Canonical shipment requests for the adapter tests (one per service)."""

from __future__ import annotations

from decimal import Decimal

from adapters.carriers.base import Item, Parcel, Recipient, ShipmentRequest


def vn_request() -> ShipmentRequest:
    return ShipmentRequest(
        key="CBC-42-ghn-1",
        order_ref="order 42 (shop-1001)",
        market="VN",
        currency="VND",
        recipient=Recipient(
            name="Nguyễn Văn An",
            phone="+84901234567",
            line1="12 Nguyễn Huệ",
            line2="Tầng 3",
            country="VN",
            ward="Phường Bến Nghé",
            district="Quận 1",
            province="Hồ Chí Minh",
        ),
        parcel=Parcel(weight_g=13200, length_cm=30, width_cm=25, height_cm=120),
        items=(
            Item("TS180-WHT-M", "Áo thun cotton cổ tròn", 60, Decimal("269000"), 220, "6109100000"),
        ),
        declared_value=Decimal("16140000"),
        sender_name="义乌市星辰服饰有限公司",
        note="order 42 (shop-1001), leg 1",
    )


def kz_request() -> ShipmentRequest:
    return ShipmentRequest(
        key="CBC-43-cdek-1",
        order_ref="order 43",
        market="KZ",
        currency="KZT",
        recipient=Recipient(
            name="Айгерим Садыкова",
            phone="+77012345678",
            line1="пр. Абая 52, кв. 17",
            country="KZ",
            city="Алматы",
            province="Алматы",
            postal_code="050000",
            email="aigerim@example.kz",
        ),
        parcel=Parcel(weight_g=4560, length_cm=8, width_cm=8, height_cm=288),
        items=(
            Item("CUP500-SLV", "Термокружка 500 мл", 12, Decimal("5990.50"), 380, "9617000000"),
        ),
        declared_value=Decimal("71886"),
        sender_name="宁波恒达日用品厂",
        note="order 43, leg 1",
    )


def warehouse_request() -> ShipmentRequest:
    return ShipmentRequest(
        key="CBC-44-consolidation-1",
        order_ref="order 44",
        market="VN",
        currency="VND",
        recipient=vn_request().recipient,
        parcel=Parcel(weight_g=220000, length_cm=60, width_cm=40, height_cm=40, box_count=16),
        items=(
            Item(
                "TS180-WHT-M", "Áo thun cotton cổ tròn", 1000, Decimal("233000"), 220, "6109100000"
            ),
        ),
        declared_value=Decimal("233000000"),
        sender_name="义乌市星辰服饰有限公司",
        note="order 44, leg 1",
    )
