"""Request limits enforced before any view runs."""

import logging

from django.http import HttpResponse, JsonResponse

from .errors import ErrorCode, error_body

log = logging.getLogger("deflect.api")

# Longest path plus query string answered. gunicorn refuses request lines over 4094 bytes
# with its own page; below that, deflect answers 414 itself (in the API's error shape), so
# every client sees the same answer and the API schema can declare it.
MAX_URL_LENGTH = 2048


class UrlLengthLimitMiddleware:
    """Answers 414 to a URL longer than ``MAX_URL_LENGTH`` (path and query string)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = len(request.path_info) + len(request.META.get("QUERY_STRING", ""))
        if length <= MAX_URL_LENGTH:
            return self.get_response(request)
        log.warning("URL too long length=%d", length)
        if request.path_info.startswith("/api/"):
            body = error_body(ErrorCode.URI_TOO_LONG, "The URL is too long.")
            return JsonResponse(body, status=414)
        return HttpResponse("The URL is too long.", status=414, content_type="text/plain")
