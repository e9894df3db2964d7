"""Integrations: what developers wire into their own systems (workspace API keys, later the send API and webhooks)."""
