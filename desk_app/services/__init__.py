"""Client services: API client, credentials, local cache, sync engine, outbox (no Qt)."""
