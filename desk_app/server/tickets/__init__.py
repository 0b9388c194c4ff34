"""Tickets, their thread, their SLA history and escalations."""
