"""Support policies served by this store (loaded by the core) and their modes."""
