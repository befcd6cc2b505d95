"""Building the bulk downloads: each resource of ``resources`` written as CSV and as JSON into
``settings.OPEN_DATA_ROOT``, from one pass over its rows.

The rows are read in chunks (``iterator(chunk_size=…)``) and written one at a time, so a build
holds one chunk in memory however many rows there are. Each file is written under a temporary
name in the same folder and renamed over the previous one only once complete: a reader gets the
old file or the new one, never half of one, and a build that fails leaves the previous files.
"""

import contextlib
import csv
import json
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Download
from .resources import BY_NAME, RESOURCES, Resource

CHUNK_SIZE = 2000
FORMATS = {"csv": "text/csv", "json": "application/json"}
PART_SUFFIX = ".part"
# A temporary file older than this was left by a build that died: it is removed.
STALE_PART_SECONDS = 6 * 60 * 60

_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def open_data_root() -> Path:
    return Path(settings.OPEN_DATA_ROOT)


def download_path(resource: str, fmt: str) -> Path:
    return open_data_root() / f"{resource}.{fmt}"


def _chunks(queryset, size: int):
    """The rows of ``queryset`` in lists of ``size``, read from one cursor."""
    chunk = []
    for obj in queryset.iterator(chunk_size=size):
        chunk.append(obj)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _sweep_stale_parts(root: Path) -> None:
    cutoff = time.time() - STALE_PART_SECONDS
    for part in root.glob(f".*{PART_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            if part.stat().st_mtime < cutoff:
                part.unlink()


def _temporary(root: Path, resource: str, fmt: str):
    return tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        newline="",
        dir=root,
        prefix=f".{resource}.{fmt}.",
        suffix=PART_SUFFIX,
        delete=False,
    )


def _finish(handle) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    os.chmod(handle.name, 0o644)


def resource_build(*, resource: Resource) -> dict:
    """Writes ``resource``'s files and records their build. Returns rows, bytes and seconds."""
    root = open_data_root()
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    context = resource.context()
    rows = 0
    with contextlib.ExitStack() as stack:
        csv_file = stack.enter_context(_temporary(root, resource.name, "csv"))
        json_file = stack.enter_context(_temporary(root, resource.name, "json"))
        parts = [Path(csv_file.name), Path(json_file.name)]
        try:
            names = resource.field_names
            readers = resource.readers(context)
            cells = resource.cell_writers()
            writer = csv.writer(csv_file, lineterminator="\n")
            writer.writerow(names)
            json_file.write("[")
            for chunk in _chunks(resource.rows(), CHUNK_SIZE):
                if resource.attach is not None:
                    resource.attach(chunk, context)
                for obj in chunk:
                    values = [read(obj) for read in readers]
                    writer.writerow(
                        [
                            v if cell is None else cell(v)
                            for v, cell in zip(values, cells, strict=True)
                        ]
                    )
                    json_file.write(",\n" if rows else "\n")
                    json_file.write(_json.encode(dict(zip(names, values, strict=True))))
                    rows += 1
            json_file.write("\n]\n")
            _finish(csv_file)
            _finish(json_file)
        except BaseException:
            for part in parts:
                part.unlink(missing_ok=True)
            raise
    for part, fmt in zip(parts, ("csv", "json"), strict=True):
        os.replace(part, download_path(resource.name, fmt))
    seconds = time.perf_counter() - started
    built_at = timezone.now()
    sizes = {fmt: download_path(resource.name, fmt).stat().st_size for fmt in FORMATS}
    with transaction.atomic():
        for fmt, size in sizes.items():
            Download.objects.update_or_create(
                resource=resource.name,
                format=fmt,
                defaults={"rows": rows, "size": size, "built_at": built_at, "seconds": seconds},
            )
    return {"rows": rows, "bytes": sizes, "seconds": round(seconds, 2)}


def open_data_build(*, names: list[str] | None = None) -> dict[str, int]:
    """Rebuilds the files of the resources ``names`` (all by default). Safe to repeat: each run
    replaces the files with the rows as they are; two runs at once each write their own
    temporary files, and the last to finish wins. Returns the rows written per resource."""
    if open_data_root().exists():
        _sweep_stale_parts(open_data_root())
    chosen = [BY_NAME[name] for name in names] if names else list(RESOURCES)
    return {resource.name: resource_build(resource=resource)["rows"] for resource in chosen}
