"""Manager reports (managers and admins only)."""
