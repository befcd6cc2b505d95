"""The platform's database backend: Django's PostgreSQL backend, with what server-side binding
needs (``base.py``). ``settings.base.postgres`` names it as every connection's ``ENGINE``."""
