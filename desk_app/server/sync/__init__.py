"""The change log, bootstrap, incremental sync and live push (SSE)."""
