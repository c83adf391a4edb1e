from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's views, scale data and admin timings; installed by
    bench/settings.py only, never by the portal's settings."""

    name = "bench"
    verbose_name = "Benchmark"
