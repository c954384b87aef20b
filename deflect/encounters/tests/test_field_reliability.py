"""No lost field data: submissions over a connection that breaks at random points.

A phone sends many encounters to the real server (pytest-django's live server, over TCP). For
each one the connection is cut at a random point: while the request is half sent, right after
it is sent and before the answer is read, or not at all. The phone does what the outbox does:
it sends the same submission again (same ``client_uuid``) until it reads a definite answer. In
the end the server holds every encounter exactly once, and each was created by exactly one of
its copies.
"""

import json
import random
import socket
import uuid
from urllib.parse import urlsplit

import pytest

from deflect.accounts.services import api_token_create
from deflect.accounts.system import dangerously_as_system
from deflect.encounters.models import Encounter

from .factories import submission

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS = 40
CUTS = ("mid_request", "before_answer", "none")


def _request(token: str, host: str, body: bytes) -> bytes:
    head = (
        "POST /api/v1/encounters HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def _send(address: tuple[str, int], raw: bytes, cut: str, rng: random.Random) -> int | None:
    """Send ``raw``; cut the connection as ``cut`` says. The answer's status, or None when the
    phone never read one."""
    with socket.create_connection(address, timeout=10) as sock:
        if cut == "mid_request":
            sock.sendall(raw[: rng.randrange(1, len(raw) - 1)])
            return None  # closed with the request half sent
        sock.sendall(raw)
        if cut == "before_answer":
            return None  # the answer is lost on the way back
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_every_encounter_arrives_exactly_once_however_the_connection_breaks(world, live_server):
    _, token = api_token_create(
        actor=dangerously_as_system("tests"), user=world.officer, name="phone"
    )
    url = urlsplit(live_server.url)
    address = (url.hostname, url.port)
    rng = random.Random(2026)  # a fixed sequence of cuts, the same on every run
    sent: dict[str, int] = {}  # client_uuid → copies sent
    statuses: dict[str, list[int]] = {}
    for _ in range(SUBMISSIONS):
        data = submission(rng.choice(["naloxone_plus", "self_referral", "community_response"]))
        data["client_uuid"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        raw = _request(token, url.netloc, json.dumps(data).encode())
        answers = statuses.setdefault(data["client_uuid"], [])
        while True:
            sent[data["client_uuid"]] = sent.get(data["client_uuid"], 0) + 1
            status = _send(address, raw, rng.choice(CUTS), rng)
            if status is not None:
                answers.append(status)
                break
            assert sent[data["client_uuid"]] < 30, "the connection never held"

    stored = list(Encounter.objects.values_list("client_uuid", flat=True))
    assert sorted(map(str, stored)) == sorted(sent), "an encounter was lost or duplicated"
    assert all(answers in ([201], [200]) for answers in statuses.values()), statuses
    # Cuts happened: some submissions needed several copies, and some copies were cut after the
    # server had saved the encounter (their first answer read was a replay).
    assert any(copies > 1 for copies in sent.values())
    assert any(answers == [200] for answers in statuses.values())
