"""The landed-price engine: CNY cost to the price a buyer pays, in Decimal, rounded once."""
