"""Models of the inbox app."""
