"""The read-only JSON API (/api/v1/) over the published initiatives, the framework and the
municipalities, with its OpenAPI document."""
