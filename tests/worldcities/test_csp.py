"""The Content-Security-Policy on every page, and the reports browsers send of what it refused."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from .test_bad_addresses import _pages
from .test_bad_addresses import generated as generated
from .test_bad_addresses import staff as staff

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_every_page_carries_a_strict_policy(staff):
    missing = []
    for user in (None, staff):
        client = Client()
        if user:
            client.force_login(user)
        for path in _pages():
            policy = _policy(client.get(path))
            strict = (
                policy.get("script-src") == "'self'"
                and policy.get("style-src") == "'self'"
                and policy.get("frame-ancestors") == "'none'"
                and policy.get("object-src") == "'none'"
            )
            if not strict:
                missing.append((user, path, policy))
    assert not missing, missing[:5]


def _admin_pages() -> list[str]:
    """The change list, the add form, and the first row's change form and history of every
    model in the administration."""
    from django.contrib import admin

    paths = []
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        if first := model._default_manager.order_by("pk").first():
            paths += [
                reverse(f"{name}_change", args=[first.pk]),
                reverse(f"{name}_history", args=[first.pk]),
            ]
    return paths


def test_the_admin_is_as_strict_and_its_pages_hold_no_inline_style(staff):
    client = Client()
    client.force_login(staff)
    policy = _policy(client.get("/admin/"))
    assert policy["style-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    inline = []
    for path in _admin_pages():
        response = client.get(path)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        if re.search(r"<style[\s>]|\sstyle=", html):
            inline.append(path)
    assert not inline, inline


def test_a_change_list_without_actions_takes_its_rule_from_a_style_sheet(staff, monkeypatch):
    from django.contrib import admin

    from meetings.models import Meeting

    model_admin = admin.site._registry[Meeting]
    monkeypatch.setattr(model_admin, "actions_on_top", False)
    monkeypatch.setattr(model_admin, "actions_on_bottom", False)
    client = Client()
    client.force_login(staff)
    html = client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    assert "<style" not in html
    assert "css/admin-changelist-no-actions.css" in html


def test_a_report_is_logged_as_one_line(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://worldcities.example.eu/practices/",
            "blocked-uri": "inline",
            "effective-directive": "style-src-elem",
        }
    }
    response = client.post(
        "/csp-report/", json.dumps(report), content_type="application/csp-report"
    )
    assert response.status_code == 204
    (line,) = [
        r.getMessage() for r in caplog.records if "Content-Security-Policy" in r.getMessage()
    ]
    assert line == (
        "Content-Security-Policy refused inline on https://worldcities.example.eu/practices/ "
        "(style-src-elem)"
    )
    assert client.post("/csp-report/", "not json", content_type="text/plain").status_code == 400
    assert client.get("/csp-report/").status_code == 405


@pytest.mark.parametrize(
    "body", ['{"csp-report": "x"}', "[1, 2]", '{"csp-report": [1]}', "null", '"text"']
)
def test_a_report_of_the_wrong_shape_is_refused_not_a_500(client, body):
    response = client.post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == 400


def test_a_report_cannot_write_more_than_one_line(client, caplog):
    report = {"csp-report": {"blocked-uri": "inline\nFAKE log line", "document-uri": "/"}}
    client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")
    (line,) = [
        r.getMessage() for r in caplog.records if "Content-Security-Policy" in r.getMessage()
    ]
    assert "\n" not in line and "FAKE log line" in line
