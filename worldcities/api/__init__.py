"""What every app's part of the read API shares: token authentication, rate limits, cursor
pagination, conditional GET, strict query strings and the error format. Each app declares its
own resources in ``<app>/api.py``; the composition root routes them (``worldcities.api_urls``).
"""
