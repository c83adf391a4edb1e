"""The benchmark (`make bench`) and the Lighthouse audit (`make audit`).

Both start the production-like server themselves (gunicorn, DEBUG off) on a
database of their own under ``var/``, so that they never touch
``var/portal.sqlite3``. Performance is measured here only, never in the test
suite.
"""
