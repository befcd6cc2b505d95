"""Counts the SQL queries a request makes and the time spent in them, and reports both in the
``X-Queries`` and ``X-Queries-Ms`` headers, with the time the whole request took in the
server (from this middleware, the outermost, on) in ``X-Request-Ms``: a client's latency less
the wait for a free worker."""

import time

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]
        spent = [0.0]

        def counting(execute, sql, params, many, context):
            count[0] += 1
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started

        started = time.perf_counter()
        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response["X-Queries"] = str(count[0])
        response["X-Queries-Ms"] = f"{1000 * spent[0]:.1f}"
        response["X-Request-Ms"] = f"{1000 * (time.perf_counter() - started):.1f}"
        return response
