"""Customers and queues: who tickets are for and where they wait."""
