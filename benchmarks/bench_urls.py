"""The product's URLs plus two yardstick views, served only while benchmarking.

``benchmarks/run.py`` selects this module with ``DEFLECT_URLCONF=benchmarks.bench_urls``, so the
yardsticks are never routes of the product itself:

- ``/bench/bare/``: the full middleware stack and a tiny response, no database, no template;
- ``/bench/insert/``: the same plus one row written to a benchmark-only table per POST, the
  cheapest possible write, against which creating an encounter is compared.
"""

from functools import cache

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config import urls as product_urls

INSERT_TABLE = "bench_insert"


def bare_view(request: HttpRequest) -> HttpResponse:
    """The floor: the full middleware stack and a tiny response, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


@cache
def _insert_table_ready() -> bool:
    """Create the benchmark's table if missing, once per worker process."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {INSERT_TABLE} (id INTEGER PRIMARY KEY, body TEXT)"
        )
    return True


@csrf_exempt
@require_POST
def bare_insert_view(request: HttpRequest) -> HttpResponse:
    """The floor for a write: one row with the request body, in its own transaction."""
    _insert_table_ready()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {INSERT_TABLE} (body) VALUES (%s)",
            [request.body.decode(errors="replace")],
        )
    return HttpResponse(b"created", status=201, content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare_view, name="bench-bare"),
    path("bench/insert/", bare_insert_view, name="bench-insert"),
    *product_urls.urlpatterns,
]

handler400 = product_urls.handler400
handler403 = product_urls.handler403
handler404 = product_urls.handler404
handler500 = product_urls.handler500
