"""Walk every page a signed-in user can reach by following links, one page per route.

``walk(client)`` starts at the home page, follows same-site links found in each HTML page, and
returns ``{route_name: [path, …]}``: the first paths seen for each URL pattern (so every list
and detail template is rendered, with whatever data the database holds). Downloads, the admin
site, the API and sign-out are left out. The page tests (text, layout, accessibility) run over it.
"""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/logout/", "/feedback/f/")
SKIP_SUFFIXES = (".pdf", ".csv", ".ics", ".json", ".txt", ".png", ".svg", ".zip")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def route_of(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _wanted(href: str) -> str | None:
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
        return None
    if "download" in parts.path or "export" in parts.path or "print" in parts.query:
        return None
    return path


def walk(client, start: str = "/", per_route: int = 1, limit: int = 300) -> dict[str, list[str]]:
    """``{route name: [path, …]}`` of the HTML pages reachable from ``start``: up to
    ``per_route`` paths for each URL pattern, in the order the links were found."""
    seen: dict[str, list[str]] = {}
    visited: set[str] = set()
    queue = [start]
    while queue and len(visited) < limit:
        path = queue.pop(0)
        route = route_of(path)
        if route is None or path in visited or len(seen.get(route, ())) >= per_route:
            continue
        visited.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen.setdefault(route, []).append(path)
        for href in links_of(response.content.decode()):
            wanted = _wanted(href)
            if wanted and wanted not in visited:
                queue.append(wanted)
    return seen
