"""The product's URLs plus one bare view, served only while benchmarking.

``benchmarks/run.py`` selects this module with ``DEFLECT_URLCONF=benchmarks.bench_urls``, so the
bare view is never a route of the product itself.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as product_urls


def bare_view(request: HttpRequest) -> HttpResponse:
    """The floor: the full middleware stack and a tiny response, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare_view, name="bench-bare"), *product_urls.urlpatterns]

handler400 = product_urls.handler400
handler403 = product_urls.handler403
handler404 = product_urls.handler404
handler500 = product_urls.handler500
