"""Ticket intake from web forms and email gateways: POST /api/v1/intake."""
