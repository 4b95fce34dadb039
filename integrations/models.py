"""Models of integrations (none yet)."""
