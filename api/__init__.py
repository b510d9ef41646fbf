"""The HTTP API (Django REST framework): adapters over the workflow services and policies."""
