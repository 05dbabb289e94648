"""Demo data for ``make run``: loading it twice adds nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from PIL import Image, ImageDraw
from sqlalchemy import select

from connector.extensions import db
from connector.listings import service
from connector.listings.images import enqueue_thumbnail, store_image
from connector.models import ApiToken, Listing, Role, Supplier, User
from connector.models.account import hash_token

DEMO_PASSWORD = "demo-pass-2026"
DEMO_SUPPLIER = "义乌市星辰服饰有限公司"
# A fixed secret so `make run` can print a working token every time; it only
# exists in databases that loaded the demo data.
DEMO_EXPORTER_TOKEN = "cbc_demo_exporter_0000000000000000000000000000"
DEMO_OPS_TOKEN = "cbc_demo_ops_00000000000000000000000000000000"
DEMO_SELLER_TOKEN = "cbc_demo_seller_000000000000000000000000000000"
DEMO_SELLER_EMAIL = "seller@demo.example"
# The demo seller buys in the two markets whose offers the demo listing is ready in.
DEMO_SELLER_MARKETS = ["VN", "KZ"]

ACCOUNTS = (
    ("exporter@demo.example", "星辰服饰 · 王丽", Role.EXPORTER, DEMO_EXPORTER_TOKEN),
    ("ops@demo.example", "Ops · Demo", Role.OPS, DEMO_OPS_TOKEN),
    (DEMO_SELLER_EMAIL, "Hanoi Demo Shop", Role.SELLER, DEMO_SELLER_TOKEN),
)

DEMO_LOGO_PRINT = "丝印logo（单色）"
DEMO_LISTING = {
    "status": "submitted",
    "title_zh": "纯棉圆领短袖T恤 男女同款 可印logo",
    "description_zh": "180克精梳棉，圆领，男女同款。支持丝印/热转印logo，量大从优。",
    "category": "服装 > T恤",
    "attributes": [{"name": "材质", "value": "100%棉"}, {"name": "克重", "value": "180g"}],
    "hs_code": "6109100000",
    "weight_g": 220,
    "length_cm": Decimal("30"),
    "width_cm": Decimal("25"),
    "height_cm": Decimal("2"),
    # 200 folded shirts to an export carton: an order of 200 (the logo print's
    # minimum) is one parcel, under GHN's 50 kg and its size limits.
    "units_per_carton": 200,
    "carton_length_cm": Decimal("60"),
    "carton_width_cm": Decimal("40"),
    "carton_height_cm": Decimal("40"),
    "carton_weight_g": 45500,
    "lead_time_days": 5,
    "moq": 50,
    "price_tiers": [
        {"min_qty": 50, "unit_price": Decimal("18.50")},
        {"min_qty": 200, "unit_price": Decimal("16.80")},
        {"min_qty": 1000, "unit_price": Decimal("14.90")},
    ],
    "variants": [
        {
            "sku": "TS180-WHT-M",
            "options": {"颜色": "白色", "尺码": "M"},
            "price": None,
            "price_delta": None,
            "stock": 1200,
        },
        {
            "sku": "TS180-WHT-XL",
            "options": {"颜色": "白色", "尺码": "XL"},
            "price": None,
            "price_delta": Decimal("1.00"),
            "stock": 800,
        },
        {
            "sku": "TS180-BLK-M",
            "options": {"颜色": "黑色", "尺码": "M"},
            "price": None,
            "price_delta": Decimal("0.50"),
            "stock": 950,
        },
    ],
    "customizations": [
        {
            "name": DEMO_LOGO_PRINT,
            "extra_unit_cost": Decimal("1.20"),
            "extra_moq": 200,
            "setup_fee": Decimal("150.00"),
        },
    ],
    "images": [],
    # Written by the factory's own staff for its two main markets, every text a
    # buyer reads (``terms``: attributes, options, the customization; the category
    # is named by our tree), so VN and KZ offers are ready with no translation
    # service. The other markets wait for machine translation (the listing page says so).
    "localized": {
        "vi_VN": {
            "title": "Áo thun cotton cổ tròn tay ngắn unisex, in logo theo yêu cầu",
            "description": "Cotton chải kỹ 180 g/m², cổ tròn, unisex. "
            "Nhận in lụa hoặc in chuyển nhiệt logo.",
            "terms": {
                "材质": "Chất liệu",
                "100%棉": "100% cotton",
                "克重": "Định lượng vải",
                "颜色": "Màu sắc",
                "白色": "Trắng",
                "尺码": "Kích cỡ",
                "黑色": "Đen",
                DEMO_LOGO_PRINT: "In logo (in lụa, một màu)",
            },
        },
        "ru_KZ": {
            "title": "Футболка унисекс из хлопка, круглый вырез, печать логотипа",
            "description": "Гребенной хлопок 180 г/м², круглый вырез, унисекс. "
            "Шелкография или термоперенос логотипа.",
            "terms": {
                "材质": "Материал",
                "100%棉": "100% хлопок",
                "克重": "Плотность ткани",
                "颜色": "Цвет",
                "白色": "Белый",
                "尺码": "Размер",
                "黑色": "Чёрный",
                DEMO_LOGO_PRINT: "Печать логотипа (шелкография, один цвет)",
            },
        },
        "kk_KZ": {
            "title": "Мақта футболка, дөңгелек жаға, унисекс, логотип басылады",
            "description": "Таралған мақта 180 г/м², дөңгелек жаға, унисекс. "
            "Логотипті шелкография немесе термотрансфер әдісімен басамыз.",
            "terms": {
                "材质": "Материал",
                "100%棉": "100% мақта",
                "克重": "Мата тығыздығы",
                "颜色": "Түсі",
                "白色": "Ақ",
                "尺码": "Өлшемі",
                "黑色": "Қара",
                DEMO_LOGO_PRINT: "Логотип басу (шелкография, бір түс)",
            },
        },
    },
}


def tshirt_picture() -> bytes:
    """A plain drawn T-shirt: the demo needs a real image, and we ship no photos."""
    image = Image.new("RGB", (800, 800), (244, 246, 248))
    draw = ImageDraw.Draw(image)
    body = [
        (250, 230),
        (330, 190),
        (470, 190),
        (550, 230),
        (660, 330),
        (590, 400),
        (540, 360),
        (540, 690),
        (260, 690),
        (260, 360),
        (210, 400),
        (140, 330),
    ]
    draw.polygon(body, fill=(255, 255, 255), outline=(60, 70, 80), width=6)
    draw.arc([(340, 150), (460, 250)], start=20, end=160, fill=(60, 70, 80), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _user(email: str, name: str, role: Role, supplier: Supplier | None) -> User:
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        user = User(email=email, display_name=name, role=role, supplier=supplier)
        if role == Role.SELLER:
            user.markets = list(DEMO_SELLER_MARKETS)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


# The marketplace ids ops would map the demo's category to, so the Ozon and
# Wildberries exports of `make run` list the T-shirt instead of refusing it.
DEMO_CHANNEL_CATEGORIES = {"ozon": "17028922:91565", "wildberries": "192"}


def map_demo_categories() -> None:
    """Map the demo listing's category on the marketplaces, unless ops mapped it already.

    Ops' part of the demo, run by ``demo load`` after :func:`load_demo`: a mapping
    is install configuration (it changes every marketplace export and the feed
    pages' cache keys), so the tests' demo fixture starts without one.
    """
    from connector.feeds.categories import mappings, put_mapping
    from connector.ops.audit import Actor

    for channel, channel_id in DEMO_CHANNEL_CATEGORIES.items():
        if not any(row.category == DEMO_LISTING["category"] for row in mappings(channel)):
            put_mapping(Actor.cli("demo"), channel, DEMO_LISTING["category"], channel_id)


def load_demo() -> dict:
    """Create the demo supplier, accounts, tokens and one listing, unless present."""
    supplier = db.session.execute(
        select(Supplier).where(Supplier.name == DEMO_SUPPLIER)
    ).scalar_one_or_none()
    if supplier is None:
        supplier = Supplier(name=DEMO_SUPPLIER)
        db.session.add(supplier)
        db.session.flush()
    users = {}
    for email, name, role, secret in ACCOUNTS:
        user = _user(email, name, role, supplier if role == Role.EXPORTER else None)
        users[role] = user
        exists = db.session.execute(
            select(ApiToken).where(ApiToken.token_hash == hash_token(secret))
        ).scalar_one_or_none()
        if exists is None:
            token, _ = ApiToken.issue(user, "demo", raw=secret)
            db.session.add(token)
    db.session.commit()
    has_listing = db.session.execute(
        select(Listing.id).where(Listing.supplier_id == supplier.id).limit(1)
    ).first()
    if has_listing is None:
        picture = store_image(io.BytesIO(tshirt_picture()), supplier.id)
        db.session.commit()
        enqueue_thumbnail(picture.sha256)
        listing = {**DEMO_LISTING, "images": [{"sha256": picture.sha256}]}
        # Through the same validation as the form and the API, so it is stored canonically.
        service.create_listing(users[Role.EXPORTER], supplier.id, service.validate_listing(listing))
    return {
        "password": DEMO_PASSWORD,
        "accounts": [(email, role.value) for email, _n, role, _s in ACCOUNTS],
        "tokens": {role.value: secret for _e, _n, role, secret in ACCOUNTS},
    }
