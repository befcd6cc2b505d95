"""Machine translation services on a local port, for the tests: one in the shape of the DeepL
API (it answers at once) and one in the shape of eTranslation (it gives a request id, and the
test then posts the answer to the platform's callback, as the service would)."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, status: int, data: bytes = b"", content_type: str = "text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeDeepL(_Quiet):
    requests: list = []
    fail_with: int | None = None

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.headers["Authorization"], body))
        if self.fail_with:
            return self._answer(self.fail_with)
        answer = {"translations": [{"text": f"[{body['target_lang']}] {t}"} for t in body["text"]]}
        return self._answer(200, json.dumps(answer).encode(), "application/json")


class FakeETranslation(_Quiet):
    """Asks for the application's name and password first (HTTP authentication), then
    answers each request with a new id, or with the status or number the test sets."""

    requests: list = []
    fail_with: int | None = None
    answer_with: str | None = None
    next_id = 1000
    credentials = ("", "")

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "Basic " + base64.b64encode(":".join(self.credentials).encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="eTranslation"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if self.fail_with:
            return self._answer(self.fail_with)
        cls = type(self)
        cls.next_id += 1
        payload = json.loads(body)
        payload["id"] = cls.next_id
        cls.requests.append(payload)
        return self._answer(200, (cls.answer_with or str(cls.next_id)).encode())


def _serve(handler):
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def deepl(settings):
    FakeDeepL.requests, FakeDeepL.fail_with = [], None
    server = _serve(FakeDeepL)
    settings.MACHINE_TRANSLATION_PROVIDER = "deepl"
    settings.MACHINE_TRANSLATION_URL = f"http://127.0.0.1:{server.server_port}/v2/translate"
    settings.MACHINE_TRANSLATION_KEY = "test-key"
    yield FakeDeepL
    server.shutdown()
    server.server_close()


@pytest.fixture
def etranslation(settings):
    FakeETranslation.requests, FakeETranslation.fail_with = [], None
    FakeETranslation.answer_with = None
    FakeETranslation.credentials = ("worldcities-test", "s3cret")
    server = _serve(FakeETranslation)
    settings.MACHINE_TRANSLATION_PROVIDER = "etranslation"
    settings.ETRANSLATION_URL = f"http://127.0.0.1:{server.server_port}/etranslation/si/translate"
    settings.ETRANSLATION_APPLICATION, settings.ETRANSLATION_PASSWORD = FakeETranslation.credentials
    settings.SITE_URL = "https://worldcities.example.org"
    yield FakeETranslation
    server.shutdown()
    server.server_close()
