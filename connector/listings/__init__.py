"""Onboarding: the exporter's listings, through the web form and the API."""
