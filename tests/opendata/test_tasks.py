"""The nightly build, run by a real worker as beat enqueues it."""

import json

import pytest
from django.conf import settings

from worldcities.opendata import services

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_beat_rebuilds_the_files_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["open-data-build"]
    assert entry["task"] == "worldcities.opendata.tasks.build_open_data"


def test_the_worker_builds_the_files_and_a_second_run_gives_the_same(
    celery_worker_on_redis, programme
):
    from worldcities.opendata.tasks import build_open_data

    first = build_open_data.delay().get(timeout=30, disable_sync_subtasks=False)
    content = services.download_path("practices", "json").read_bytes()
    second = build_open_data.delay().get(timeout=30, disable_sync_subtasks=False)

    assert first == second
    assert first["practices"] == 1
    assert services.download_path("practices", "json").read_bytes() == content
    assert [row["slug"] for row in json.loads(content)] == ["bike-sharing"]
