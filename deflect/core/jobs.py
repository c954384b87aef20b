"""The registry of scheduled work that ``deflect jobs run`` does besides the reminders.

A domain app registers a job in its ``AppConfig.ready`` (``register("name", func)``); the job
runner (``followups.jobs.jobs_run``) calls each one with the run's time before it sends the
pending notices, so a job's notices go out in the same run. A job returns a dict of counts for
the run's report. The registry lets the runner call apps it must not import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Job = Callable[[dt.datetime], dict]
_JOBS: dict[str, Job] = {}


def register(name: str, job: Job) -> None:
    _JOBS[name] = job


def registered() -> list[tuple[str, Job]]:
    return sorted(_JOBS.items())
