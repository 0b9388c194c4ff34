"""Pure domain: business calendars, support policies, SLA clocks, the escalation ladder.

Imports only the standard library (and tzdata); tests/core/test_layering.py keeps it so.
"""
