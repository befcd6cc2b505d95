"""What the benchmark reads off each response (queries and their time) and how a run's
slowest requests appear in its report."""

from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from worldcities.benchmarks.middleware import QueryCountMiddleware
from worldcities.benchmarks.report import render


def test_each_response_reports_its_queries_and_their_time(db):
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Queries"] == "2"
    assert float(response["X-Queries-Ms"]) > 0

    quiet = QueryCountMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/"))
    assert (quiet["X-Queries"], quiet["X-Queries-Ms"]) == ("0", "0.0")


def test_the_report_lists_the_slowest_request_of_each_page_with_nothing_cached():
    page = {
        "rps": 100.0,
        "R": 0.5,
        "rate": 40.0,
        "p50_ms": 3.0,
        "p95_ms": 4.0,
        "p99_ms": 5.0,
        "cold_slowest": [
            {"ms": 160.2, "sql_ms": 120.5, "path": "/practices/?q=solar"},
            {"ms": 90.0, "sql_ms": 60.0, "path": "/practices/?q=wind"},
        ],
    }
    results = {
        "machine": {"cpus": 2, "cpu": "x", "memory_gib": 1, "python": "3", "system": "y"},
        "date": "2026-12-02",
        "scale": 1,
        "seed": 0,
        "duration_s": 8,
        "gunicorn": "3 workers",
        "pages": {"anonymous": {"practice_search": page}, "logged_in": {}},
    }
    text = render(results)
    assert (
        "| practice list, full-text search | anonymous | `/practices/?q=solar` | 160.2 | 120.5 |"
        in text
    )
    assert "?q=wind" not in text
    assert "- **Database:**" not in text  # a run from before the server was recorded

    results["database"] = {
        "server": "PostgreSQL 15.19",
        "shared_buffers": "128MB",
        "practice_table": "192 MB",
    }
    assert (
        "- **Database:** PostgreSQL 15.19, shared buffers 128MB (the practice table: 192 MB)"
        in render(results)
    )


def test_a_run_records_the_database_server_and_its_shared_buffers(db):
    from worldcities.benchmarks.run import database_server

    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    server = database_server()
    assert server["server"].startswith("PostgreSQL ")
    assert server["shared_buffers"] == shared_buffers
    assert server["practice_table"].endswith(("bytes", "kB", "MB", "GB"))
