"""A CAS server for the tests, in a thread of the test process: ``/cas/login`` sends the browser
back to the service with a ticket for the address the test chose, ``/cas/serviceValidate``
answers once per ticket as EU Login does (the address beside the user), ``/cas/logout`` sends
the browser back."""

import copy
import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape

import pytest

SUCCESS = """<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
  <cas:authenticationSuccess>
    <cas:user>{user}</cas:user>
    <cas:email>{email}</cas:email>
    <cas:authenticationLevel>BASIC</cas:authenticationLevel>
  </cas:authenticationSuccess>
</cas:serviceResponse>"""
FAILURE = """<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
  <cas:authenticationFailure code="INVALID_TICKET">
    Ticket {ticket} not recognized
  </cas:authenticationFailure>
</cas:serviceResponse>"""


class FakeCAS:
    def __init__(self):
        self.tickets: dict[str, tuple[str | None, str]] = {}
        self.email_at_login = ""
        self.validations: list[dict] = []
        self.logouts: list[str] = []
        self.raw_response: bytes | None = None
        self._numbers = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}/cas/"

    def issue(self, email: str, service: str | None = None) -> str:
        """A ticket for ``email`` (for ``service`` only, if given)."""
        ticket = f"ST-{next(self._numbers)}-fake"
        self.tickets[ticket] = (service, email)
        return ticket

    def _handler(self):
        cas = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _redirect(self, url):
                self.send_response(302)
                self.send_header("Location", url)
                self.end_headers()

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/cas/login":
                    ticket = cas.issue(cas.email_at_login, query["service"])
                    self._redirect(f"{query['service']}?{urlencode({'ticket': ticket})}")
                elif parts.path == "/cas/logout":
                    cas.logouts.append(query.get("service", ""))
                    self._redirect(query.get("service") or "/")
                elif parts.path == "/cas/serviceValidate":
                    cas.validations.append(query)
                    body = self._validate(query.get("ticket", ""), query.get("service", ""))
                    self.send_response(200)
                    self.send_header("Content-Type", "application/xml")
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_error(404)

            def _validate(self, ticket, service):
                if cas.raw_response is not None:
                    return cas.raw_response
                issued = cas.tickets.pop(ticket, None)  # a ticket is good once
                if issued is None or issued[0] not in (None, service):
                    return FAILURE.format(ticket=escape(ticket)).encode()
                email = issued[1]
                return SUCCESS.format(
                    user="n00" + email.split("@")[0], email=escape(email)
                ).encode()

        return Handler

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def cas_server(settings):
    """EU Login switched on, against a CAS server of the test's own."""
    cas = FakeCAS()
    cas.start()
    settings.EU_LOGIN_ENABLED = True
    settings.EU_LOGIN_SERVER_URL = cas.url
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(cas.url.removesuffix("/cas/"))
    settings.CONTENT_SECURITY_POLICY = policy
    yield cas
    cas.stop()
