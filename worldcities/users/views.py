from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

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
