"""Destination markets, as data: one TOML file per market under ``markets/``."""
