"""Adapters to outside services: carriers, warehouses, FX and translation providers.

Each adapter speaks one service's documented API through one configured
``requests.Session`` with explicit timeouts, keeps request building and
response parsing as pure functions, and raises :class:`adapters.errors.AdapterError`
subclasses carrying a stable code and a transient/permanent flag.
"""
