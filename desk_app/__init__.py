"""Desk: an agent desktop for customer support and its central ticket store."""

__version__ = "0.1.0"
