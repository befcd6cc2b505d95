"""Cached values keyed on the versions of exactly what they show."""

import threading

import pytest
from django.core.cache import cache

from worldcities import versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed():
    calls = []

    def compute(value):
        def run():
            calls.append(value)
            return value

        return run

    compute.calls = calls
    return compute


def test_a_value_is_kept_until_what_it_depends_on_moves_on(computed):
    def read():
        return versions.cached("thing", depends_on=["practice:1"], compute=computed("A"))

    assert read() == "A"
    assert read() == "A"
    assert computed.calls == ["A"]
    versions.bump("practice:1")
    assert read() == "A"
    assert computed.calls == ["A", "A"]


def test_moving_one_object_on_leaves_the_others_kept(computed):
    versions.cached("page", depends_on=["practice:1"], vary=[1], compute=computed(1))
    versions.cached("page", depends_on=["practice:2"], vary=[2], compute=computed(2))
    versions.bump("practice:1")
    versions.cached("page", depends_on=["practice:1"], vary=[1], compute=computed(1))
    versions.cached("page", depends_on=["practice:2"], vary=[2], compute=computed(2))
    assert computed.calls == [1, 2, 1]


def test_what_varies_is_kept_apart(computed):
    versions.cached("list", depends_on=["practices:published"], vary=["q=a"], compute=computed("a"))
    versions.cached("list", depends_on=["practices:published"], vary=["q=b"], compute=computed("b"))
    assert computed.calls == ["a", "b"]


def test_a_bulk_load_moves_everything_on(computed):
    versions.cached("x", depends_on=["city:1"], compute=computed("x"))
    versions.everything_changed()
    versions.cached("x", depends_on=["city:1"], compute=computed("x"))
    assert computed.calls == ["x", "x"]


def test_parts_looked_up_together_are_each_computed_only_when_their_own_versions_moved(
    computed,
):
    def read():
        return versions.cached_many(
            [
                versions.Part("a", depends_on=["practice:1"], compute=computed("A")),
                versions.Part("b", depends_on=["practice:2"], compute=computed("B")),
                versions.Part("b", depends_on=["practice:2"], vary=[2], compute=computed("B2")),
            ]
        )

    assert read() == ["A", "B", "B2"]
    versions.bump("practice:2")
    assert read() == ["A", "B", "B2"]
    assert computed.calls == ["A", "B", "B2", "B", "B2"]
    # The same key as ``cached`` gives it.
    assert versions.cached("a", depends_on=["practice:1"], compute=computed("again")) == "A"


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_before_the_write_commits_is_not_kept_under_the_new_version(computed):
    """Another request may render from the rows before the commit after the bump inside the
    transaction: the version moves on again on commit, so its copy is never served."""
    from django.db import transaction

    with transaction.atomic():
        versions.bump("practice:1")
        # A concurrent reader renders the old rows and keeps them under the bumped version.
        versions.cached("page", depends_on=["practice:1"], compute=computed("old"))
    assert versions.cached("page", depends_on=["practice:1"], compute=computed("new")) == "new"


@pytest.mark.redis
def test_versions_work_on_the_platform_s_redis_cache(settings, computed):
    """The same on the cache every process shares (django-redis, as configured with
    ``REDIS_URL``): a database of its own, emptied before and after."""
    from django.core.cache import cache

    base, _, _number = settings.TEST_REDIS_URL.rpartition("/")
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"{base}/15"}
    }
    cache.clear()
    try:
        versions.cached("page", depends_on=["practice:1"], compute=computed(1))
        versions.cached("page", depends_on=["practice:1"], compute=computed(1))
        versions.bump("practice:1")
        versions.cached("page", depends_on=["practice:1"], compute=computed(1))
        assert computed.calls == [1, 1]
    finally:
        cache.clear()


def test_a_new_release_keeps_nothing_of_the_old_one(computed, settings):
    versions.release.cache_clear()
    settings.RELEASE = "2026.12.1"
    versions.cached("page", depends_on=["practice:1"], compute=computed("old"))
    versions.release.cache_clear()
    settings.RELEASE = "2026.12.2"
    versions.cached("page", depends_on=["practice:1"], compute=computed("new"))
    versions.release.cache_clear()
    assert computed.calls == ["old", "new"]


def test_without_a_named_release_the_code_and_templates_name_it(settings):
    versions.release.cache_clear()
    settings.RELEASE = ""
    try:
        digest = versions.release()
        assert len(digest) == 12 and digest == versions.release()
    finally:
        versions.release.cache_clear()


def test_a_part_another_request_computes_is_waited_for_not_computed_again():
    key = versions.cache_key("part", depends_on=["thing:1"])
    cache.add(f"computing:{key}", 1, versions.WAIT)  # another request is computing it
    threading.Timer(0.05, lambda: cache.set(key, "theirs")).start()

    def compute():
        raise AssertionError("computed twice")

    assert versions.cached("part", depends_on=["thing:1"], compute=compute) == "theirs"


def test_a_part_whose_computation_failed_elsewhere_is_computed_here():
    key = versions.cache_key("part", depends_on=["thing:2"])
    lock = f"computing:{key}"
    cache.add(lock, 1, versions.WAIT)
    threading.Timer(0.05, lambda: cache.delete(lock)).start()  # it failed: no value
    assert versions.cached("part", depends_on=["thing:2"], compute=lambda: "mine") == "mine"
    assert cache.get(key) == "mine"
