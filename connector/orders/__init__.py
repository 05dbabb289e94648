"""Orders from sellers and the shipments they become.

``service`` places orders (scope, offers, stock, MOQ, address, prices, legs);
``dispatch`` sends shipments to their services exactly once; ``tracking``
records what the services report; ``ops`` retries and cancels; ``pii`` keeps
the buyer's data encrypted and masked.
"""
