"""Pages read by their keys come in the list's order, also when few rows match and their
keys are put in order in Python."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db.models import F, Value
from django.utils import timezone

from practices.models import Practice
from tests.practices.factories import PracticeFactory
from worldcities.pagination import PageByKeysPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def practices():
    when = timezone.now()
    rows = []
    for i in range(9):
        # Ties in adoptions and publication dates; drafts have no publication date.
        published = i % 3 != 0
        rows.append(
            PracticeFactory(
                title=f"Practice {'BCA'[i % 3]}{i}",
                status=Practice.Status.PUBLISHED if published else Practice.Status.DRAFT,
                published_at=when - datetime.timedelta(days=i // 2) if published else None,
            )
        )
        Practice.objects.filter(pk=rows[-1].pk).update(adoption_count=i % 4)
    return rows


ORDERS = [
    ("-published_at", "-pk"),
    ("-city__country__eu_joined", "pk"),  # through a relation, with NULLs
    ("city__name", "-pk"),  # text through a relation: ordered by the database
    ("published_at", "pk"),
    ("-adoption_count", "-published_at", "-pk"),
    ("adoption_count", "-pk"),
    ("title", "pk"),  # text: ordered by the database
]


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("few", [1000, 0])
def test_pages_follow_the_order_of_the_database(practices, order, few):
    listed = Practice.objects.order_by(*order)
    expected = Paginator(listed, 4)
    paginator = PageByKeysPaginator(listed, 4, few=few)
    for number in expected.page_range:
        assert [p.pk for p in paginator.page(number)] == [p.pk for p in expected.page(number)]


def test_an_order_by_an_annotation_is_followed(practices):
    listed = Practice.objects.annotate(score=F("adoption_count") * Value(2.5)).order_by(
        "-score", "pk"
    )
    pages = PageByKeysPaginator(listed, 5)
    assert [p.pk for n in pages.page_range for p in pages.page(n)] == [p.pk for p in listed]


def test_few_rows_are_read_in_one_narrow_query(practices, django_assert_num_queries):
    listed = Practice.objects.order_by("-adoption_count", "-pk")
    expected = [p.pk for p in listed[4:8]]
    with django_assert_num_queries(3):  # the count, every key with its order, the page's rows
        assert [p.pk for p in PageByKeysPaginator(listed, 4).page(2)] == expected
