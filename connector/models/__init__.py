"""Database models; importing this package registers every table."""

from connector.models.account import ApiToken, Role, Supplier, User
from connector.models.fx import FxProviderState, FxRate
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
    "Customization",
    "FeedCounter",
    "FxProviderState",
    "FxRate",
    "Listing",
    "ListingImage",
    "ListingStatus",
    "Offer",
    "OfferFeedItem",
    "OfferStatus",
    "PriceTier",
    "Role",
    "StoredImage",
    "Supplier",
    "TranslationMemo",
    "User",
    "Variant",
]
