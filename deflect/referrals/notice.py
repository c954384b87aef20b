"""The §2.32 notice that travels with every disclosure; it lives with the disclosure gate in
``deflect.access.notice`` and is re-exported here under its old name."""

from deflect.access.notice import REDISCLOSURE_NOTICE

__all__ = ["REDISCLOSURE_NOTICE"]
