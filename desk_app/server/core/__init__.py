"""Pieces shared by the server's domain packages: settings, database, errors, clock."""
