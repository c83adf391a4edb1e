"""The portal's addresses with the benchmark's views mounted, as `make bench`
serves them (PORTAL_BENCHMARK_VIEW=1)."""

from portal import benchmark
from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [*benchmark.urlpatterns, *portal_urlpatterns]
