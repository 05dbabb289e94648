"""The factory's side of an order: stock held for it, what to make and pack, its steps.

``stock`` reserves and releases variant stock; ``customization`` checks and prices what
an order line asks to be printed; ``orders`` reads an exporter's own orders, shipments,
production list and pay; ``steps`` records confirmed / packed / handed over; ``views``
are the exporter's pages.
"""
