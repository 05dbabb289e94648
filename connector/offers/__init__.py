"""Offers: listings localized and priced per market, kept as ready-to-serve documents."""
