"""Users, roles, login tokens and login rate limiting."""
