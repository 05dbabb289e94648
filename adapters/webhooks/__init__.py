"""Webhooks we send to sellers' receivers: the Standard Webhooks signature, the address
rules that keep them off internal networks, and the one HTTP call that delivers them."""
