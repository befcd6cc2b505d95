from allauth.account.utils import perform_login
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import eulogin
from .forms import ApiTokenForm, ApiTokenRevokeForm, ProfileForm
from .services import api_token_create, api_token_revoke, profile_update


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_update(form=form)
        messages.success(request, _("Your profile was saved."))
        return redirect("users:profile")
    return render(request, "users/profile.html", {"form": form})


@never_cache
@login_required
def api_tokens(request):
    """A person's tokens for the read API: make one (its secret is shown on this answer only,
    never again), list them, revoke one."""
    form = ApiTokenForm(user=request.user)
    created = secret = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        revoke = ApiTokenRevokeForm(request.POST, user=request.user)
        if revoke.is_valid():
            try:
                token = api_token_revoke(
                    user=request.user, token_id=revoke.cleaned_data["token"].pk
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(
                    request, _("The token “%(name)s” was revoked.") % {"name": token.name}
                )
        else:
            messages.error(request, revoke.errors["token"][0])
        return redirect("users:api_tokens")
    if request.method == "POST":
        form = ApiTokenForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                created, secret = api_token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["lifetime"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                form = ApiTokenForm(user=request.user)
    tokens = request.user.api_tokens.order_by("revoked_at", "-created_at", "-id")
    return render(
        request,
        "users/api_tokens.html",
        {"form": form, "tokens": tokens, "created": created, "secret": secret},
    )


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
