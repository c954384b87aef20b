"""deflect settings: one module, switched by environment variables (see docs/configuration.md)."""

from .base import *  # noqa: F403
