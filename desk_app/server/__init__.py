"""The central ticket store."""
