"""FX rates: storing what providers publish, and choosing the rate a price uses."""
