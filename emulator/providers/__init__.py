"""Provider faces: each owns one vendor's routes, auth scheme, field names and error envelope."""
