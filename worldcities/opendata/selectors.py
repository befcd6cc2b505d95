"""Reads for the open-data pages."""

from dataclasses import dataclass

from .models import Download
from .resources import RESOURCES, Resource
from .services import FORMATS


def downloads() -> list[Download]:
    return list(Download.objects.all())


@dataclass
class Dataset:
    resource: Resource
    files: list[Download]

    @property
    def rows(self) -> int | None:
        return self.files[0].rows if self.files else None

    @property
    def built_at(self):
        return max((f.built_at for f in self.files), default=None)


def datasets() -> list[Dataset]:
    """Each resource with its built files (one query however many)."""
    built = {(d.resource, d.format): d for d in downloads()}
    return [
        Dataset(
            resource=resource,
            files=[built[(resource.name, f)] for f in FORMATS if (resource.name, f) in built],
        )
        for resource in RESOURCES
    ]
