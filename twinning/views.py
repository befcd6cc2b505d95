from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cities.paging import list_query, paginate
from worldcities import versions
from worldcities.downloads import file_download

from . import selectors, services
from .filters import MapFilterSet, PairingFilterSet
from .forms import ActionForm, ActionProgressForm
from .maps import pairing_map
from .sections import edition_sections, pairing_sections

# The pairing list shows the pairings, their editions and the names of their cities, countries
# and thematic areas; so do its filters' choices.
PAIRING_LIST_SHOWS = ["pairings", "cities"]


# --- Public pages -------------------------------------------------------------------------------
def _pairing_list_parts(query) -> dict:
    """The list's filter form, its page of pairings and their count, as HTML rendered without
    the request (every reader gets the same list)."""
    filterset = PairingFilterSet(query or None, queryset=selectors.pairings_for_list())
    context = {"filterset": filterset, "page": paginate(query, filterset.qs), "params": query}
    return {
        part: render_to_string(f"twinning/fragments/pairing_list_{part}.html", context)
        for part in ("filters", "results", "count")
    }


@versions.for_visitors
def pairing_list(request):
    query = list_query(request.GET, PairingFilterSet.base_filters)
    # A search reads the actions' texts too.
    shows = [*PAIRING_LIST_SHOWS, *([services.ACTION_TEXTS] if query.get("q") else [])]
    parts = versions.cached(
        "twinning:pairing-list",
        depends_on=shows,
        vary=[query.urlencode()],
        compute=lambda: _pairing_list_parts(query),
    )
    parts = {name: mark_safe(html) for name, html in parts.items()}
    if request.htmx and request.htmx.target == "pairing-results":
        return render(
            request,
            "includes/results_with_count.html",
            {"parts": parts, "count_id": "pairing-count"},
        )
    return render(request, "twinning/pairing_list.html", {"parts": parts})


def pairing_map_view(request):
    filterset = MapFilterSet(request.GET or None, queryset=selectors.pairings_for_list())
    pairings = list(filterset.qs)
    context = {"filterset": filterset, "pairings": pairings, "map": pairing_map(pairings)}
    if request.htmx and request.htmx.target == "map-results":
        return render(request, "twinning/partials/map_results.html", context)
    return render(request, "twinning/pairing_map.html", context)


@require_GET
def pairing_memorandum(request, slug):
    """The memorandum of understanding, always as a download (never rendered by the browser)."""
    pairing = selectors.pairing_with_memorandum(slug)
    if not pairing.mou_document:
        raise Http404
    extension = pairing.mou_document.name.rsplit(".", 1)[-1].lower()
    return file_download(
        pairing.mou_document, filename=f"{pairing.slug}-memorandum.{extension}", public=True
    )


def _pairing_parts(pairing, *, can_manage: bool, can_update_progress: bool) -> dict:
    """The pairing page's own parts, as HTML rendered without the request: its head (member
    cities, topics, objectives, the edition's cycle), its action plan (with the buttons the
    two permissions give) and its status history."""
    full = selectors.pairing_detail_rows(pairing)
    context = {
        "pairing": full,
        "sides": full.sides(),
        "actions": selectors.pairing_actions(full),
        "can_manage": can_manage,
        "can_update_progress": can_update_progress,
    }
    return {
        part: render_to_string(f"twinning/fragments/pairing_{part}.html", context)
        for part in ("head", "plan", "history")
    }


@versions.for_visitors
def pairing_detail(request, slug):
    pairing = selectors.pairing_for_page(slug, reader=request.user)
    can_manage = request.user.has_perm("twinning.manage_action_plan", pairing)
    # Whoever manages the plan may update its progress: asked only of the others.
    can_update_progress = can_manage or request.user.has_perm(
        "twinning.update_action_progress", pairing
    )
    parts = versions.cached(
        "twinning:pairing",
        depends_on=selectors.pairing_page_shows(pairing),
        vary=[pairing.pk, can_manage, can_update_progress],
        # Read again once the versions are known: a change committed since the first read is
        # never kept under its new version.
        compute=lambda: _pairing_parts(
            selectors.pairing_for_parts(slug),
            can_manage=can_manage,
            can_update_progress=can_update_progress,
        ),
    )
    return render(
        request,
        "twinning/pairing_detail.html",
        {
            "pairing": pairing,
            "can_manage": can_manage,
            "parts": {name: mark_safe(html) for name, html in parts.items()},
            "sections": pairing_sections(request, pairing),
        },
    )


def edition_detail(request, slug):
    edition = get_object_or_404(selectors.edition_for_detail(), slug=slug)
    return render(
        request,
        "twinning/edition_detail.html",
        {
            "edition": edition,
            "pairings": selectors.edition_pairings(edition),
            "figures": selectors.edition_figures(edition),
            "sections": edition_sections(request, edition),
        },
    )


# --- The action plan, from the front end --------------------------------------------------------
def _pairing_for(request, slug, perm):
    """The pairing, if the user holds ``perm`` on it; 404 if it does not exist, else 403."""
    pairing = selectors.pairing_for_change(slug)
    if not request.user.has_perm(perm, pairing):
        raise PermissionDenied
    return pairing


def _action_of(pairing, actions, pk):
    """The action ``pk`` of ``pairing`` among ``actions`` (those the user may change), 404
    otherwise; it gets the pairing as loaded, whose members and edition the rules read."""
    action = get_object_or_404(actions.filter(pairing=pairing), pk=pk)
    action.pairing = pairing
    return action


def _report(form, exc: ValidationError) -> None:
    """Puts a service's validation errors next to the fields they are about."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, slug):
    pairing = _pairing_for(request, slug, "twinning.manage_action_plan")
    form = ActionForm(request.POST or None, pairing=pairing)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(pairing=pairing, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("The action was added to the plan."))
            return redirect(f"{pairing.get_absolute_url()}#action-plan")
    return render(
        request, "twinning/action_form.html", {"pairing": pairing, "form": form, "action": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request, slug, pk):
    pairing = _pairing_for(request, slug, "twinning.manage_action_plan")
    action = _action_of(pairing, selectors.actions_manageable_by(request.user), pk)
    form = ActionForm(request.POST or None, instance=action, pairing=pairing)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("The action was saved."))
            return redirect(f"{pairing.get_absolute_url()}#action-plan")
    return render(
        request, "twinning/action_form.html", {"pairing": pairing, "form": form, "action": action}
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_delete(request, slug, pk):
    pairing = _pairing_for(request, slug, "twinning.manage_action_plan")
    action = _action_of(pairing, selectors.actions_manageable_by(request.user), pk)
    if request.method == "POST":
        services.action_delete(action=action, by=request.user)
        messages.success(request, _("The action was deleted."))
        return redirect(f"{pairing.get_absolute_url()}#action-plan")
    return render(
        request, "twinning/action_confirm_delete.html", {"pairing": pairing, "action": action}
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_progress(request, slug, pk):
    pairing = _pairing_for(request, slug, "twinning.update_action_progress")
    action = _action_of(pairing, selectors.actions_progress_updatable_by(request.user), pk)
    form = ActionProgressForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_progress_update(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("The progress of “%s” was saved.") % action.title)
            return redirect(f"{pairing.get_absolute_url()}#action-plan")
    return render(
        request,
        "twinning/action_progress_form.html",
        {
            "pairing": pairing,
            "form": form,
            "action": action,
            "updates": selectors.action_progress_history(action),
        },
    )
