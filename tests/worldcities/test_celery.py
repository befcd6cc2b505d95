import pytest

from worldcities.celery import app


@pytest.mark.redis
def test_a_real_worker_on_redis_runs_a_task_and_returns_its_result(celery_worker_on_redis):
    from celery.contrib.testing.tasks import ping

    assert celery_worker_on_redis.conf.broker_url.startswith("redis://")
    result = ping.delay()
    assert result.get(timeout=20, disable_sync_subtasks=False) == "pong"


def test_celery_settings_come_from_django():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit == 600
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
