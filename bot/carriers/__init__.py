"""Carrier look-up providers (outside services, like Slack): one interface, one adapter
per provider, and the worker that runs look-ups off the request path."""
