"""Sellers' shops on marketplaces: connecting them, and pushing our offers there."""
