"""Demo data for `desk-server seed-demo`."""
