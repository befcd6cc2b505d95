import json
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cities.selectors import thematic_areas_with_topics
from twinning.selectors import editions_for_home
from worldcities import timezones, versions
from worldcities.privacy import account_erase, personal_data
from worldcities.selectors import (
    SEARCH_KINDS,
    home_highlights,
    programme_figures,
    programme_impact,
    site_search,
)
from worldcities.textsearch import SearchTermsForm

logger = logging.getLogger(__name__)


# The home page is kept in two parts, so that what changes often is rendered again alone.
# Its news counts cities, countries, pairings, published practices and upcoming meetings and
# shows the next meetings and the latest practices; what is upcoming changes with the clock
# too (the next meetings may stay on the page ten minutes after they started).
HOME_NEWS_SHOWS = [
    "cities",
    "pairings",
    "practices:published",
    "meetings",
    versions.every(10 * 60),
]
# Its account of the programme adds up the checked outcomes (``outcomes``) per country, edition
# and thematic area, counts the organisations owning actions (``actions``) and those of the
# member cities per sector, and lists the editions and the thematic areas.
HOME_PROGRAMME_SHOWS = ["cities", "pairings", "outcomes", "actions"]


def _home_news() -> str:
    return render_to_string(
        "fragments/home_news.html", {"figures": programme_figures(), **home_highlights(None)}
    )


def _home_programme() -> str:
    return render_to_string(
        "fragments/home_programme.html",
        {
            "editions": editions_for_home(),
            "thematic_areas": thematic_areas_with_topics(),
            **programme_impact(),
        },
    )


@versions.for_visitors
def home(request):
    """The same for every reader: rendered without the request and kept until something it
    shows changes."""
    news, programme = versions.cached_many(
        [
            versions.Part("home:news", HOME_NEWS_SHOWS, _home_news),
            versions.Part("home:programme", HOME_PROGRAMME_SHOWS, _home_programme),
        ]
    )
    return render(request, "home.html", {"content": mark_safe(news + programme)})


@login_required
@require_GET
def my_data(request):
    """Everything the platform keeps about the person asking, as a JSON download."""
    response = JsonResponse(personal_data(request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-world-cities-data.json"'
    response["Cache-Control"] = "no-store"
    return response


class EraseAccountForm(forms.Form):
    email = forms.EmailField(
        label=_("Type your e-mail address to confirm"),
        help_text=_("The one you log in with."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.strip().lower() != self.user.email.lower():
            raise forms.ValidationError(_("This is not the address of your account."))
        return email


@login_required
def erase_account(request):
    """A person erases their own account (``privacy.account_erase``), after typing their
    address; they are logged out."""
    form = EraseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_erase(user=request.user)
        logout(request)
        messages.success(
            request, _("Your account was erased. What you published stays, without your name.")
        )
        return redirect("home")
    return render(request, "erase_account.html", {"form": form})


@csrf_exempt
@require_POST
def csp_report(request):
    """What a browser refused under the Content-Security-Policy, logged as one line (browsers
    send it without a token, from any page)."""
    try:
        report = json.loads(request.body[:20_000] or b"{}")
    except ValueError:
        report = None
    report = report.get("csp-report") if isinstance(report, dict) else None
    if not isinstance(report, dict):
        return HttpResponse(status=400)

    def field(*names) -> str:
        value = next((report[name] for name in names if report.get(name)), "?")
        # One line, whatever a browser (or anyone) sends.
        return str(value)[:300].encode("unicode_escape").decode("ascii")

    logger.warning(
        "Content-Security-Policy refused %s on %s (%s)",
        field("blocked-uri"),
        field("document-uri"),
        field("effective-directive", "violated-directive"),
    )
    return HttpResponse(status=204)


@require_GET
def language(request):
    """Where the footer's language form leads when it cannot post the choice itself: the same
    choice, sent to ``set_language`` with a token (which checks ``next``)."""
    return render(
        request,
        "language.html",
        {"chosen": request.GET.get("language", ""), "next": request.GET.get("next", "/")},
    )


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a known time zone.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        field.help_text = _(
            "Your browser's: the zone it tells the site, or the site's own (%(zone)s) if it "
            "tells none."
        ) % {"zone": settings.TIME_ZONE}
        field.choices = [
            ("", _("Your browser's time zone")),
            *timezones.zone_choices(),
        ]


@require_http_methods(["GET", "POST"])
def time_zone(request):
    """Where a visitor chooses the zone times are shown in (kept in a cookie); logged-in people
    have theirs in their profile."""
    if request.user.is_authenticated:
        return redirect(reverse("users:profile") + "#prefs-heading")
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    chosen = timezones.visitor_zone(request)
    form = TimeZoneForm(request.POST or None, initial={"time_zone": getattr(chosen, "key", "")})
    if request.method == "POST" and form.is_valid():
        zone = form.cleaned_data["time_zone"]
        response = redirect(next_url)
        timezones.remember_zone(response, request=request, zone=zone)
        if zone:
            messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": zone})
        else:
            messages.success(request, _("Times will be shown in your browser's time zone."))
        return response
    return render(request, "time_zone.html", {"form": form, "next": next_url})


SEARCH_KIND_LABELS = {
    "practices": _("Practices"),
    "cities": _("Cities"),
    "pairings": _("Pairings"),
    "meetings": _("Meetings"),
}


class SiteSearchForm(SearchTermsForm):
    kind = forms.MultipleChoiceField(
        label=_("Show"),
        required=False,
        choices=[(kind, SEARCH_KIND_LABELS[kind]) for kind, _list in SEARCH_KINDS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("There is nothing of the kind “%(value)s” to find.")},
    )


# How many results of each kind the search page shows (all of them are one link away, in
# the kind's own list); of one kind chosen alone, more.
SEARCH_PER_KIND = 5
SEARCH_LIST_LABELS = {
    "practices": _("Search the practice list, with its filters"),
    "cities": _("Search the city list, with its filters"),
    "pairings": _("Search the pairing list, with its filters"),
    "meetings": _("Search the meeting list, with its filters"),
}
SEARCH_ONE_KIND = 20


def search(request):
    """One search box for the whole site: practices, cities, pairings and meetings matching
    the words typed, grouped by kind, each group with its count and a link to its own list
    searched for the same words. The search and the kinds chosen stay in the address."""
    form = SiteSearchForm(request.GET or None)
    groups = []
    q = ""
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        kinds = form.cleaned_data["kind"] or [kind for kind, _list in SEARCH_KINDS]
        limit = SEARCH_ONE_KIND if len(kinds) == 1 else SEARCH_PER_KIND
        groups = site_search(user=request.user, q=q, kinds=kinds, limit=limit)
        for group in groups:
            group["label"] = SEARCH_KIND_LABELS[group["kind"]]
            group["list_label"] = SEARCH_LIST_LABELS[group["kind"]]
    return render(
        request,
        "search.html",
        {"form": form, "q": q, "groups": groups, "searched": bool(q)},
    )


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _check_broker() -> None:
    from worldcities.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
def healthz(request):
    """Says whether the database, the cache and the broker answer (200) or which do not (503)."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    report = {}
    for name, check in checks.items():
        try:
            check()
            report[name] = "ok"
        except Exception as exc:  # a health check reports every failure, whatever its kind
            logger.warning("health check %s failed: %s", name, exc)
            report[name] = "error"
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503
    )
