"""Database models; importing this package registers every table."""

from connector.models.account import ApiToken, Role, Supplier, User
from connector.models.audit import AuditEntry
from connector.models.canary import PiiCanary
from connector.models.channel import ChannelCategory, SellerChannelSettings
from connector.models.channel_push import ChannelConnection, ChannelListing, SyncStatus
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
    ImageOwner,
    Listing,
    ListingImage,
    ListingStatus,
    PriceTier,
    StoredImage,
    Variant,
)
from connector.models.offer import FeedCounter, Offer, OfferFeedItem, OfferStatus
from connector.models.packing import StoredPacking
from connector.models.translation import GlossaryEntry, GlossarySuggestion, TranslationMemo
from connector.models.webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiToken",
    "AuditEntry",
    "ChannelCategory",
    "ChannelConnection",
    "ChannelListing",
    "Customization",
    "FactoryStep",
    "FeedCounter",
    "FxProviderState",
    "FxRate",
    "FxRateStatus",
    "GlossaryEntry",
    "GlossarySuggestion",
    "IdempotencyRecord",
    "ImageOwner",
    "LineCustomization",
    "Listing",
    "ListingImage",
    "ListingStatus",
    "Offer",
    "OfferFeedItem",
    "OfferStatus",
    "OrderLine",
    "PiiCanary",
    "PriceTier",
    "Quote",
    "Role",
    "SalesOrder",
    "SellerChannelSettings",
    "Shipment",
    "ShipmentAttempt",
    "ShipmentDocument",
    "ShipmentEvent",
    "StockReservation",
    "StoredImage",
    "StoredPacking",
    "Supplier",
    "SyncStatus",
    "TranslationMemo",
    "User",
    "Variant",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
