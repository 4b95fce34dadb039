"""Models of webhooks (none yet)."""
