"""Database models; importing this package registers every table."""

from connector.models.account import ApiToken, Role, Supplier, User
from connector.models.audit import AuditEntry
from connector.models.factory import FactoryStep, LineCustomization, StockReservation
from connector.models.fulfilment import (
    IdempotencyRecord,
    OrderLine,
    Quote,
    SalesOrder,
    Shipment,
    ShipmentAttempt,
    ShipmentDocument,
    ShipmentEvent,
)
from connector.models.fx import FxProviderState, FxRate, FxRateStatus
from connector.models.listing import (
    Customization,
    Listing,
    ListingImage,
    ListingStatus,
    PriceTier,
    StoredImage,
    Variant,
)
from connector.models.offer import FeedCounter, Offer, OfferFeedItem, OfferStatus
from connector.models.translation import TranslationMemo

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Customization",
    "FactoryStep",
    "FeedCounter",
    "FxProviderState",
    "FxRate",
    "FxRateStatus",
    "IdempotencyRecord",
    "LineCustomization",
    "Listing",
    "ListingImage",
    "ListingStatus",
    "Offer",
    "OfferFeedItem",
    "OfferStatus",
    "OrderLine",
    "PriceTier",
    "Quote",
    "Role",
    "SalesOrder",
    "Shipment",
    "ShipmentAttempt",
    "ShipmentDocument",
    "ShipmentEvent",
    "StockReservation",
    "StoredImage",
    "Supplier",
    "TranslationMemo",
    "User",
    "Variant",
]
