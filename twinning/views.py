from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cities.paging import PER_PAGE, list_query, paginate
from worldcities import versions
from worldcities.downloads import file_download
from worldcities.pagination import PageByKeysPaginator

from . import selectors, services
from .filters import MapFilterSet, PairingFilterSet
from .forms import (
    ActionForm,
    ActionProgressForm,
    DocumentForm,
    DocumentVersionForm,
    MessageForm,
    ThreadForm,
)
from .maps import pairing_map
from .sections import edition_sections, pairing_sections
from .timeline import timeline_page

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
    pairing = selectors.pairing_for_page(slug)
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
            selectors.pairing_for_page(slug),
            can_manage=can_manage,
            can_update_progress=can_update_progress,
        ),
    )
    # The workspace is its members' alone: the link is shown to them, the page checks again.
    can_use_workspace = can_manage or request.user.has_perm("twinning.use_workspace", pairing)
    return render(
        request,
        "twinning/pairing_detail.html",
        {
            "pairing": pairing,
            "can_manage": can_manage,
            "can_use_workspace": can_use_workspace,
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


# --- Workspaces and the community ----------------------------------------------------------------
def _page_number(request, paginator) -> int | str | None:
    """The page asked for; ``last`` is the last one (where a new message lands)."""
    number = request.GET.get("page")
    return paginator.num_pages if number == "last" else number


def _page_by_keys(params, queryset, number=None):
    """A page of a workspace list: the keys of its rows first, then those rows with their
    per-row counts, so that a later page costs what the first does."""
    paginator = PageByKeysPaginator(queryset, PER_PAGE)
    return paginator.get_page(params.get("page") if number is None else number)


def _workspace_context(pairing, tab: str) -> dict:
    return {"pairing": pairing, "tab": tab}


@login_required
@require_GET
def workspace(request, slug):
    pairing = selectors.workspace_for(request.user, slug)
    page = _page_by_keys(request.GET, selectors.workspace_threads(pairing, request.user))
    return render(
        request,
        "twinning/workspace.html",
        {**_workspace_context(pairing, "threads"), "page": page},
    )


def _members_offered(pairing) -> list:
    return list(selectors.workspace_members(pairing).only("full_name").exclude(full_name=""))


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request, slug):
    pairing = selectors.workspace_for(request.user, slug)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_start(
                pairing=pairing,
                by=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("The thread was opened; the workspace's members are told."))
            return redirect(thread.get_absolute_url())
    return render(
        request,
        "twinning/thread_form.html",
        {
            **_workspace_context(pairing, "threads"),
            "form": form,
            "members": _members_offered(pairing),
            "back": reverse("twinning:workspace", kwargs={"slug": pairing.slug}),
        },
    )


def _thread_page(request, thread, *, pairing=None, area=None, members=None):
    """A thread's page of messages and the reply form (a reply is posted to the same page).
    The reader's read marker moves to the last message shown."""
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_post(
                thread=thread, by=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Your reply was posted."))
            return redirect(f"{thread.get_absolute_url()}?page=last#message-{message.pk}")
    paginator = PageByKeysPaginator(selectors.thread_messages(thread), PER_PAGE)
    page = paginator.get_page(_page_number(request, paginator))
    rows = list(page.object_list)
    last_read = selectors.thread_last_read(thread, request.user)
    if rows and request.method == "GET":
        services.thread_mark_read(thread=thread, user=request.user, message_id=rows[-1].pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "twinning/thread_detail.html",
        {
            "pairing": pairing,
            "area": area,
            "tab": "threads",
            "thread": thread,
            "page": page,
            "rows": rows,
            "last_read": last_read,
            "form": form,
            "members": members if members is not None else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(request, slug, thread_pk):
    pairing = selectors.workspace_for(request.user, slug)
    thread = selectors.thread_in(pairing=pairing, pk=thread_pk)
    return _thread_page(request, thread, pairing=pairing, members=_members_offered(pairing))


@login_required
@require_http_methods(["GET", "POST"])
def documents(request, slug):
    pairing = selectors.workspace_for(request.user, slug)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_add(
                pairing=pairing,
                by=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("“%s” was added to the library.") % document.title)
            return redirect(services.reverse_document(document))
    page = _page_by_keys(request.GET, selectors.workspace_documents(pairing))
    return render(
        request,
        "twinning/documents.html",
        {**_workspace_context(pairing, "documents"), "page": page, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_detail(request, slug, document_pk):
    pairing = selectors.workspace_for(request.user, slug)
    document = selectors.document_in(pairing, document_pk)
    form = DocumentVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.document_version_add(
                document=document,
                by=request.user,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Version %s was added.") % version.number)
            return redirect(services.reverse_document(document))
    return render(
        request,
        "twinning/document_detail.html",
        {
            **_workspace_context(pairing, "documents"),
            "document": document,
            "versions": list(document.versions.all()),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def document_download(request, slug, document_pk, number):
    pairing = selectors.workspace_for(request.user, slug)
    version = selectors.document_version_in(pairing, document_pk, number)
    stem = slugify(version.document.title)[:80] or "document"
    extension = version.original_name.rsplit(".", 1)[-1].lower()
    return file_download(
        version.file,
        filename=f"{stem}-v{version.number}.{extension}",
        content_type=version.content_type,
    )


@login_required
@require_GET
def timeline(request, slug):
    pairing = selectors.workspace_for(request.user, slug)
    page = timeline_page(pairing, request.GET.get("page"))
    return render(
        request, "twinning/timeline.html", {**_workspace_context(pairing, "timeline"), "page": page}
    )


def _community_member(request) -> None:
    if not request.user.has_perm("twinning.use_community"):
        raise PermissionDenied


@login_required
@require_GET
def community(request):
    _community_member(request)
    return render(
        request, "twinning/community.html", {"areas": selectors.community_areas(request.user)}
    )


@login_required
@require_GET
def community_area(request, area):
    _community_member(request)
    area = selectors.community_area(area)
    page = _page_by_keys(request.GET, selectors.community_threads(area, request.user))
    return render(request, "twinning/community_area.html", {"area": area, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def community_thread_create(request, area):
    _community_member(request)
    area = selectors.community_area(area)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_start(
                thematic_area=area,
                by=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("The thread was opened."))
            return redirect(thread.get_absolute_url())
    return render(
        request,
        "twinning/thread_form.html",
        {
            "area": area,
            "form": form,
            "members": [],
            "back": reverse("twinning:community_area", kwargs={"area": area.slug}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def community_thread(request, area, thread_pk):
    _community_member(request)
    area = selectors.community_area(area)
    thread = selectors.thread_in(area=area, pk=thread_pk)
    return _thread_page(request, thread, area=area)
