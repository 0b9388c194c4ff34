"""Customer satisfaction (CSAT): survey tokens sent with the resolution mail and the answers."""
