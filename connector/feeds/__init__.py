"""Seller feeds: a market's offers as JSON, Shopify CSV and Google Merchant XML."""
