"""Push adapters for marketplaces our sellers sell on (Shopee, Ozon): one module per channel."""
