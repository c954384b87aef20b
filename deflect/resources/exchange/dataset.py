"""What an import reads into and reports: the HSDS tables as rows, each with where it came from,
and the one error every step raises (``ImportFailed``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models

from ..models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    Funding,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

# Each HSDS table's model.
MODELS: dict[str, type[models.Model]] = {
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "organization": Organization,
    "service": Service,
    "location": Location,
    "service_at_location": ServiceAtLocation,
    "address": Address,
    "phone": Phone,
    "schedule": Schedule,
    "language": Language,
    "service_area": ServiceArea,
    "cost_option": CostOption,
    "funding": Funding,
    "accessibility": Accessibility,
    "attribute": Attribute,
}
BATCH = 2000


class ImportFailed(Exception):
    """The file could not be imported; ``errors`` says where and why."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class Row:
    values: dict
    origin: str  # "services.csv row 4" or "directory.json contents[2].phones[0]"


@dataclass
class Dataset:
    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())
