from allauth.account.utils import perform_login
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import eulogin
from .forms import ProfileForm
from .services import profile_update


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_update(form=form)
        messages.success(request, _("Your profile was saved."))
        return redirect("users:profile")
    return render(request, "users/profile.html", {"form": form})


# --- EU Login ------------------------------------------------------------------------------------
NEXT_SESSION_KEY = "eu_login_next"


def _service_url(request) -> str:
    """The address EU Login sends the browser back to; the same when the ticket is checked."""
    return request.build_absolute_uri(reverse("users:eu_login_callback"))


def _eu_login_refusal(request, *, dry_run: bool = False) -> bool:
    """Counts a refused EU Login sign-in (or, ``dry_run``, checks one more is allowed)."""
    return bool(
        ratelimit.consume(
            request,
            app="allauth.account",
            action="eu_login_failed",
            config={"eu_login_failed": settings.EU_LOGIN_RATE_LIMIT},
            limit_get=True,
            dry_run=dry_run,
        )
    )


def eu_login(request):
    """Sends the browser to EU Login, remembering where to go afterwards."""
    if not eulogin.enabled():
        raise Http404
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_SESSION_KEY] = next_url
    else:
        request.session.pop(NEXT_SESSION_KEY, None)
    return redirect(eulogin.login_url(_service_url(request)))


def eu_login_callback(request):
    """EU Login's answer: the ticket is checked with it, and the account of the verified
    address it gives is logged in through allauth (so the second factor is asked as at the
    password login). Nothing is ever created; a refusal goes back to the login page."""
    if not eulogin.enabled():
        raise Http404
    # Refused sign-ins from one client address are limited as wrong passwords are; past the
    # limit, EU Login is not even asked.
    if not _eu_login_refusal(request, dry_run=True):
        messages.error(request, _("Too many failed sign-ins. Please try again later."))
        return redirect("account_login")
    try:
        identity = eulogin.validate(
            ticket=request.GET.get("ticket", ""), service=_service_url(request)
        )
        user = eulogin.account_for(identity)
    except eulogin.EULoginRefused as refusal:
        _eu_login_refusal(request)
        messages.error(request, str(refusal))
        return redirect("account_login")
    request.session[eulogin.SESSION_KEY] = True
    return perform_login(
        request,
        user,
        email=identity.email,
        redirect_url=request.session.pop(NEXT_SESSION_KEY, None),
    )
