"""Database models; importing this package registers every table."""

from connector.models.account import ApiToken, Role, Supplier, User
from connector.models.listing import (
    Customization,
    Listing,
    ListingImage,
    ListingStatus,
    PriceTier,
    StoredImage,
    Variant,
)

__all__ = [
    "ApiToken",
    "Customization",
    "Listing",
    "ListingImage",
    "ListingStatus",
    "PriceTier",
    "Role",
    "StoredImage",
    "Supplier",
    "User",
    "Variant",
]
