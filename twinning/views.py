from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cities.paging import PER_PAGE, list_query, paginate
from worldcities import versions
from worldcities.downloads import file_download
from worldcities.pagination import PageByKeysPaginator
from worldcities.users.permissions import is_delegate

from . import exports, receipts, selectors, services
from .filters import CallApplicationFilterSet, MapFilterSet, PairingFilterSet
from .forms import (
    ActionForm,
    ActionProgressForm,
    ApplicationDocumentForm,
    ApplicationForm,
    ApplicationPartnerForm,
    ApplicationWithdrawForm,
    AssignReviewerForm,
    ConflictDeclarationForm,
    DecisionForm,
    DocumentForm,
    DocumentVersionForm,
    MatchDecisionForm,
    MatchForm,
    MessageForm,
    OutcomeForm,
    ScoreForm,
    ThreadForm,
)
from .impact import impact_of
from .maps import pairing_map
from .models import Application, MatchDecision, Outcome
from .sections import application_sections, edition_sections, pairing_sections
from .timeline import timeline_page

# The pairing list shows the pairings, their editions and the names of their cities, countries
# and thematic areas; so do its filters' choices.
PAIRING_LIST_SHOWS = ["pairings", "cities"]

# What the refused page says to someone who may not record, check or read an outcome.
RECORD_REFUSED = gettext_lazy(
    "Only delegates of this pairing's cities, the coordinators of its edition and programme "
    "staff record its outcomes."
)
CHECK_REFUSED = gettext_lazy(
    "Only the coordinators of this pairing's edition and programme staff check its outcomes."
)
EVIDENCE_REFUSED = gettext_lazy(
    "The evidence of an outcome is for the delegates of the pairing's cities, the "
    "coordinators of its edition and programme staff."
)


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
    parts = versions.Part(
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
    sections, [parts] = pairing_sections(request, pairing, also=[parts])
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
            "sections": sections,
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
            "calls": selectors.calls_of_edition(edition),
            "can_match": request.user.has_perm("twinning.match_edition", edition),
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


# --- Calls for cities and applications ------------------------------------------------------------
def _apply_problem(user, call, mine) -> str | None:
    """Why the reader cannot start an application to ``call`` now, or None."""
    if not is_delegate(user):
        return None
    problem = services.call_window_problem(call, timezone.now())
    problem = problem or services.call_eligibility_problem(call=call, city=user.city)
    if not problem and call.one_application_per_city and mine:
        problem = _("%(city)s has already applied to this call: a city applies once.") % {
            "city": user.city
        }
    return problem


@require_GET
def call_detail(request, slug, call):
    call = selectors.call_for_page(slug, call)
    mine = selectors.applications_of_reader_in_call(request.user, call)
    now = timezone.now()
    return render(
        request,
        "twinning/call_detail.html",
        {
            "call": call,
            "edition": call.edition,
            "is_open": call.is_open_at(now),
            "has_opened": now >= call.opens_at,
            "applications": mine,
            "is_delegate": is_delegate(request.user),
            "apply_problem": _apply_problem(request.user, call, mine),
            "partner_countries": list(call.partner_countries.all())
            or list(call.edition.partner_countries.all()),
        },
    )


@login_required
@require_POST
def application_start(request, slug, call):
    call = selectors.call_for_page(slug, call)
    if not is_delegate(request.user):
        raise PermissionDenied
    try:
        application = services.application_start(call=call, city=request.user.city, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(call.get_absolute_url())
    messages.success(
        request,
        _("Your application was started. It is saved as you write: come back to it any time."),
    )
    return redirect(application.get_absolute_url())


def _editable_now(request, application) -> bool:
    return (
        application.status == Application.Status.DRAFT
        and application.call.is_open_at(timezone.now())
        and request.user.has_perm("twinning.edit_application", application)
    )


def _application_page(request, application, *, status=200, **forms):
    editable = _editable_now(request, application)
    if editable:
        forms.setdefault("form", ApplicationForm(application=application))
        forms.setdefault("partner_form", ApplicationPartnerForm())
    document_forms = forms.pop("document_forms", {})
    documents = {d.required_document_id: d for d in application.documents.all()}
    required_documents = [
        {
            "document": document,
            "upload": documents.get(document.pk),
            "form": document_forms.get(document.pk)
            or ApplicationDocumentForm(prefix=f"doc{document.pk}"),
        }
        for document in application.call.documents_required.all()
    ]
    return render(
        request,
        "twinning/application_detail.html",
        {
            "application": application,
            "call": application.call,
            "edition": application.call.edition,
            "editable": editable,
            "can_withdraw": request.user.has_perm("twinning.edit_application", application)
            and application.status != Application.Status.WITHDRAWN
            and not application.decision,
            "completeness": selectors.application_completeness(application),
            "required_documents": required_documents,
            "answers": {a.question_id: a.text for a in application.answers.all()},
            "sections": application_sections(request, application),
            **forms,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request, slug, call, pk):
    """The application: read by its city and by programme staff; filled in by the city's
    delegates while it is a draft and the call is open (the form also saves without
    JavaScript; with it, every change is saved as it is made, ``application_autosave``)."""
    call = selectors.call_for_page(slug, call)
    application = selectors.application_for_page(request.user, call, pk)
    if request.method == "POST":
        form = ApplicationForm(request.POST, application=application)
        if form.is_valid():
            try:
                services.application_save_draft(
                    application=application, by=request.user, **form.service_arguments()
                )
            except ValidationError as exc:
                _report(form, exc)
            else:
                messages.success(request, _("Your application was saved."))
                return redirect(application.get_absolute_url())
        return _application_page(request, application, form=form, status=400)
    return _application_page(request, application)


@login_required
@require_POST
def application_autosave(request, slug, call, pk):
    """Saves the application form as it is filled in (htmx): answers with what was saved, or
    why nothing was, and the completeness meter as it now stands."""
    call = selectors.call_for_page(slug, call)
    application = selectors.application_for_page(request.user, call, pk)
    form = ApplicationForm(request.POST, application=application)
    saved, errors = False, []
    if form.is_valid():
        try:
            services.application_save_draft(
                application=application, by=request.user, **form.service_arguments()
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            saved = True
    else:
        errors = [
            f"{form[name].label}: {' '.join(messages_)}"
            if name in form.fields
            else " ".join(messages_)
            for name, messages_ in form.errors.items()
        ]
    if saved:
        application = selectors.application_for_completeness(application.pk)
    return render(
        request,
        "twinning/partials/application_autosave.html",
        {
            "application": application,
            "saved": saved,
            "errors": errors,
            "completeness": selectors.application_completeness(application),
            "oob": True,
        },
    )


@login_required
@require_POST
def application_partner_add(request, slug, call, pk):
    call = selectors.call_for_page(slug, call)
    application = selectors.application_for_page(request.user, call, pk)
    form = ApplicationPartnerForm(request.POST)
    if form.is_valid():
        try:
            services.application_partner_add(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("The partner was added."))
            return redirect(f"{application.get_absolute_url()}#partners")
    return _application_page(request, application, partner_form=form, status=400)


@login_required
@require_POST
def application_partner_remove(request, slug, call, pk, partner):
    call = selectors.call_for_page(slug, call)
    application = selectors.application_for_page(request.user, call, pk)
    partner = get_object_or_404(application.partners.all(), pk=partner)
    try:
        services.application_partner_remove(partner=partner, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The partner was removed."))
    return redirect(f"{application.get_absolute_url()}#partners")


@login_required
@require_http_methods(["GET", "POST"])
def application_document(request, slug, call, pk, document):
    """GET: the uploaded PDF, as a download; POST: uploads it (in place of the former one)."""
    call = selectors.call_for_page(slug, call)
    application = selectors.application_for_page(request.user, call, pk)
    required = get_object_or_404(application.call.documents_required.all(), pk=document)
    if request.method == "GET":
        upload = next(
            (d for d in application.documents.all() if d.required_document_id == required.pk),
            None,
        )
        if upload is None:
            raise Http404
        return file_download(
            upload.file, filename=upload.original_name, content_type="application/pdf"
        )
    form = ApplicationDocumentForm(request.POST, request.FILES, prefix=f"doc{required.pk}")
    if form.is_valid():
        try:
            services.application_document_upload(
                application=application,
                required_document=required,
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("“%(name)s” was uploaded.") % {"name": required.name})
            return redirect(f"{application.get_absolute_url()}#documents")
    return _application_page(request, application, document_forms={required.pk: form}, status=400)


@login_required
@require_POST
def application_submit(request, slug, call, pk):
    call = selectors.call_for_page(slug, call)
    application = selectors.application_for_page(request.user, call, pk)
    try:
        services.application_submit(application=application, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Your application was submitted. A receipt was e-mailed to you; "
                "you can also download it here."
            ),
        )
    return redirect(application.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, slug, call, pk):
    call = selectors.call_for_page(slug, call)
    application = selectors.application_for_page(request.user, call, pk)
    if not request.user.has_perm("twinning.edit_application", application):
        raise PermissionDenied
    form = ApplicationWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("The application was withdrawn."))
            return redirect(application.get_absolute_url())
    return render(
        request,
        "twinning/application_withdraw.html",
        {"application": application, "call": call, "form": form},
    )


@login_required
@require_GET
def application_receipt(request, slug, call, pk):
    """The receipt of a submitted application, as a PDF."""
    call = selectors.call_for_page(slug, call)
    application = selectors.application_for_page(request.user, call, pk)
    if application.submitted_at is None:
        raise Http404
    pdf = receipts.application_receipt_pdf(application)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="application-{application.reference}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- The review of a call -----------------------------------------------------------------------
@login_required
@require_GET
def review_list(request):
    """The reviews a person is asked for; for programme staff, the calls too."""
    return render(
        request,
        "twinning/review/list.html",
        {
            "assignments": list(selectors.review_assignments_of(request.user)),
            "calls": (
                list(selectors.calls_for_review())
                if request.user.has_perm("twinning.manage_review")
                else None
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_assignment(request, pk):
    """A reviewer's own review: the declaration first, then the application and the scores.
    Anyone else's review is a 404."""
    assignment = selectors.review_assignment_for(request.user, pk)
    application = assignment.application
    declaration = score_form = criteria = None
    if assignment.conflict_of_interest is None:
        declaration = ConflictDeclarationForm(request.POST or None)
        if request.method == "POST" and declaration.is_valid():
            try:
                services.review_declare(
                    assignment=assignment,
                    by=request.user,
                    conflict=declaration.cleaned_data["conflict"],
                    note=declaration.cleaned_data["conflict_note"],
                )
            except ValidationError as exc:
                _report(declaration, exc)
            else:
                if declaration.cleaned_data["conflict"]:
                    messages.success(
                        request, _("You withdrew from this review; staff will find another one.")
                    )
                    return redirect("twinning:review_list")
                messages.success(request, _("Thank you: you can now read and score it."))
                return redirect("twinning:review_assignment", pk=assignment.pk)
    elif request.user.has_perm("twinning.score_application", assignment):
        application = selectors.application_for_review(application.pk)
        criteria = selectors.review_criteria(application.call_id)
        scores = {score.criterion_id: score for score in assignment.scores.all()}
        score_form = ScoreForm(
            request.POST or None, criteria=criteria, scores=scores, comment=assignment.comment
        )
        if request.method == "POST" and score_form.is_valid():
            try:
                services.review_score(
                    assignment=assignment,
                    by=request.user,
                    scores=score_form.scores(),
                    comment=score_form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                _report(score_form, exc)
            else:
                messages.success(request, _("Your review was saved."))
                return redirect("twinning:review_list")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "twinning/review/assignment.html",
        {
            "assignment": assignment,
            "application": application,
            "declaration": declaration,
            "form": score_form,
            "criteria": criteria,
        },
    )


def _call_under_review(request, slug, call):
    """The call, if the reader is programme staff (403 otherwise; 404 for no such call)."""
    if not request.user.has_perm("twinning.manage_review"):
        raise PermissionDenied
    return selectors.call_for_review(slug, call)


@login_required
@require_GET
def call_review(request, slug, call):
    """The call's submitted applications with their weighted means, spread and decisions."""
    call = _call_under_review(request, slug, call)
    criteria, applications = selectors.call_review_rows(call)
    waiting = sum(1 for a in applications if a.decision and not a.decision_sent_at)
    return render(
        request,
        "twinning/review/call.html",
        {"call": call, "criteria": criteria, "applications": applications, "waiting": waiting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_review(request, slug, call, pk):
    """One application's reviews, the assignment of reviewers and the decision (staff)."""
    call = _call_under_review(request, slug, call)
    application, _criteria = selectors.application_review_rows(call, pk)
    reviewers = selectors.reviewers_available().exclude(
        pk__in=[a.reviewer_id for a in application.review_assignments.all()]
    )
    posted = request.POST if request.method == "POST" else None
    assign_form = AssignReviewerForm(
        posted if posted and "assign" in posted else None, reviewers=reviewers, prefix="assign"
    )
    decision_form = DecisionForm(
        posted if posted and "decide" in posted else None,
        initial={"decision": application.decision, "decision_reason": application.decision_reason},
        prefix="decide",
    )
    if posted and "assign" in posted and assign_form.is_valid():
        try:
            assignment = services.review_assign(
                application=application,
                reviewer=assign_form.cleaned_data["reviewer"],
                by=request.user,
            )
        except ValidationError as exc:
            _report(assign_form, exc)
        else:
            messages.success(
                request, _("%(person)s is asked to review it.") % {"person": assignment.reviewer}
            )
            return redirect(request.path)
    if posted and "decide" in posted and decision_form.is_valid():
        try:
            services.application_decide(
                application=application,
                by=request.user,
                decision=decision_form.cleaned_data["decision"],
                reason=decision_form.cleaned_data["decision_reason"],
            )
        except ValidationError as exc:
            _report(decision_form, exc)
        else:
            messages.success(request, _("The decision was recorded; it is sent with the others."))
            return redirect("twinning:call_review", slug=call.edition.slug, call=call.slug)
    return render(
        request,
        "twinning/review/decide.html",
        {
            "call": call,
            "application": application,
            "assign_form": assign_form,
            "decision_form": decision_form,
            "can_decide": not application.decision_sent_at
            or application.decision == application.Decision.RESERVE,
        },
    )


# The columns of the list of a call's applications that sort it, by their sort key.
APPLICATION_COLUMNS = [
    ("city", gettext_lazy("City")),
    ("status", gettext_lazy("Status")),
    ("saved", gettext_lazy("Last saved")),
    ("submitted", gettext_lazy("Submitted (the call's time zone)")),
    ("reviews", gettext_lazy("Reviews")),
    ("decision", gettext_lazy("Decision")),
]


def _sort_headers(query, current: str) -> list[dict]:
    """Each sortable column with the link that sorts by it (the other way round if the list
    is already sorted by it) and its ``aria-sort``."""
    headers = []
    for key, label in APPLICATION_COLUMNS:
        params = query.copy()
        params.pop("page", None)
        params["sort"] = f"-{key}" if current == key else key
        state = {key: "ascending", f"-{key}": "descending"}.get(current, "none")
        headers.append({"key": key, "label": label, "query": params.urlencode(), "sort": state})
    return headers


@login_required
@require_GET
def call_applications(request, slug, call):
    """Every application of a call, drafts and withdrawn ones too, filtered by status,
    decision and the city's name (programme staff; 403 for anyone else)."""
    if not request.user.has_perm("twinning.list_call_applications"):
        raise PermissionDenied
    call = selectors.call_for_review(slug, call)
    query = list_query(request.GET, CallApplicationFilterSet.parameters())
    listed = selectors.call_applications(call)
    filterset = CallApplicationFilterSet(query, queryset=listed)
    page = paginate(query, filterset.qs if filterset.is_valid() else listed.none())
    sort = query.get("sort", "city") if filterset.is_valid() else "city"
    return render(
        request,
        "twinning/review/applications.html",
        {
            "call": call,
            "filterset": filterset,
            "page": page,
            "applications": selectors.call_application_rows(call, page.object_list),
            "params": query,
            "headers": _sort_headers(query, sort),
        },
    )


@login_required
@require_GET
def call_export(request, slug, call):
    """The whole call as a workbook: applications, answers, scores, decisions (staff)."""
    call = _call_under_review(request, slug, call)
    return exports.call_xlsx_response(call)


@login_required
@require_http_methods(["GET", "POST"])
def decisions_send(request, slug, call):
    """Sends the call's decisions not yet sent, after staff confirm."""
    call = _call_under_review(request, slug, call)
    if request.method == "POST":
        try:
            sent = services.call_decisions_send(call=call, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d decision is being sent; the selected cities joined the edition.",
                    "%(count)d decisions are being sent; the selected cities joined the edition.",
                    len(sent),
                )
                % {"count": len(sent)},
            )
        return redirect("twinning:call_review", slug=call.edition.slug, call=call.slug)
    waiting = selectors.decisions_waiting(call)
    return render(request, "twinning/review/send.html", {"call": call, "applications": waiting})


# --- Matchmaking --------------------------------------------------------------------------------
def _edition_to_match(request, slug):
    """The edition, if the user may match its cities; 404 if it does not exist, else 403."""
    edition = selectors.edition_for_matchmaking(slug)
    if not request.user.has_perm("twinning.match_edition", edition):
        raise PermissionDenied
    return edition


def _matchmaking_page(request, edition, *, status=200, errors=()):
    context = {
        "edition": edition,
        "matchmaking": selectors.edition_matchmaking(edition),
        "errors": errors,
    }
    if request.htmx:
        return render(request, "twinning/partials/matchmaking.html", context, status=status)
    return render(request, "twinning/matchmaking.html", context, status=status)


def _after_match(request, edition, done_message: str):
    if request.htmx:
        messages.success(request, done_message)
        return _matchmaking_page(request, edition)
    messages.success(request, done_message)
    return redirect("twinning:matchmaking", slug=edition.slug)


def _refused(request, edition, errors):
    """A refused action: the page again, with what was wrong, and nothing changed."""
    if request.htmx:
        return _matchmaking_page(request, edition, status=400, errors=errors)
    for error in errors:
        messages.error(request, error)
    return redirect("twinning:matchmaking", slug=edition.slug)


def _form_errors(form) -> list[str]:
    return [error for errors in form.errors.values() for error in errors]


@login_required
@require_GET
def matchmaking(request, slug):
    edition = _edition_to_match(request, slug)
    return _matchmaking_page(request, edition)


@login_required
@require_http_methods(["POST"])
def matchmaking_decide(request, slug):
    edition = _edition_to_match(request, slug)
    form = MatchDecisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, edition, _form_errors(form))
    eu, partner = form.cleaned_data["eu_city"], form.cleaned_data["partner_city"]
    decision = form.cleaned_data["decision"]
    try:
        if decision == MatchDecisionForm.UNDO:
            services.match_undo(edition=edition, eu_city=eu, partner_city=partner, by=request.user)
        else:
            kind = (
                MatchDecision.Kind.PINNED
                if decision == MatchDecisionForm.PIN
                else MatchDecision.Kind.EXCLUDED
            )
            services.match_decide(
                edition=edition, eu_city=eu, partner_city=partner, kind=kind, by=request.user
            )
    except ValidationError as exc:
        return _refused(request, edition, exc.messages)
    done = {
        MatchDecisionForm.PIN: _("%(eu)s and %(partner)s are pinned together."),
        MatchDecisionForm.EXCLUDE: _("%(eu)s and %(partner)s are no longer suggested."),
        MatchDecisionForm.UNDO: _("%(eu)s and %(partner)s are a plain suggestion again."),
    }[decision]
    return _after_match(request, edition, done % {"eu": eu, "partner": partner})


@login_required
@require_http_methods(["POST"])
def matchmaking_accept(request, slug):
    edition = _edition_to_match(request, slug)
    form = MatchForm(request.POST)
    if not form.is_valid():
        return _refused(request, edition, _form_errors(form))
    try:
        pairing = services.match_accept(
            edition=edition,
            eu_city=form.cleaned_data["eu_city"],
            partner_city=form.cleaned_data["partner_city"],
            by=request.user,
        )
    except ValidationError as exc:
        return _refused(request, edition, exc.messages)
    return _after_match(
        request, edition, _("The pairing %(pairing)s was created.") % {"pairing": pairing}
    )


@login_required
@require_http_methods(["POST"])
def matchmaking_assignment(request, slug):
    edition = _edition_to_match(request, slug)
    try:
        pairings = services.match_assignment_accept(edition=edition, by=request.user)
    except ValidationError as exc:
        return _refused(request, edition, exc.messages)
    return _after_match(
        request,
        edition,
        ngettext(
            "%(count)d pairing was created.", "%(count)d pairings were created.", len(pairings)
        )
        % {"count": len(pairings)},
    )


# --- Outcomes -----------------------------------------------------------------------------------
def _pairing_for_outcomes(request, slug, perm, refusal):
    """The pairing, if the user holds ``perm`` on it; 404 if it does not exist, else 403 with
    ``refusal`` (the refused page says it)."""
    pairing = selectors.pairing_for_change(slug)
    if not request.user.has_perm(perm, pairing):
        raise PermissionDenied(refusal)
    return pairing


def _outcome_context(request, pairing) -> dict:
    return {
        "pairing": pairing,
        "can_record": request.user.has_perm("twinning.record_outcome", pairing),
        "can_check": request.user.has_perm("twinning.check_outcome", pairing),
    }


@require_GET
def outcome_list(request, slug):
    """A pairing's outcomes and what its checked ones add up to. Everyone sees the checked
    ones; its cities' delegates, its coordinators and staff also those waiting for a check."""
    pairing = selectors.pairing_for_change(slug)
    context = _outcome_context(request, pairing)
    outcomes = list(selectors.outcomes_of_pairing(pairing, request.user))
    context.update(
        outcomes=outcomes,
        impact=impact_of(Outcome.objects.filter(pairing=pairing, checked_at__isnull=False)),
        waiting=sum(1 for outcome in outcomes if not outcome.is_checked),
    )
    return render(request, "twinning/outcome_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outcome_create(request, slug):
    pairing = _pairing_for_outcomes(request, slug, "twinning.record_outcome", RECORD_REFUSED)
    form = OutcomeForm(request.POST or None, request.FILES or None, pairing=pairing)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_record(
                pairing=pairing,
                by=request.user,
                evidence_file=form.cleaned_data.get("evidence_file"),
                **form.service_fields(),
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(
                request, _("The outcome was recorded. It counts once a coordinator checked it.")
            )
            return redirect("twinning:outcome_list", slug=pairing.slug)
    return render(request, "twinning/outcome_form.html", {"pairing": pairing, "form": form})


@login_required
@require_POST
def outcome_check(request, slug, pk):
    pairing = _pairing_for_outcomes(request, slug, "twinning.check_outcome", CHECK_REFUSED)
    outcome = selectors.outcome_of_pairing(pairing, request.user, pk)
    error = None
    try:
        outcome = services.outcome_check(outcome=outcome, by=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        outcome = selectors.outcome_of_pairing(pairing, request.user, pk)
    if request.htmx:
        context = {**_outcome_context(request, pairing), "outcome": outcome, "error": error}
        return render(request, "twinning/partials/outcome_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("“%s” was checked: it counts now.") % outcome.title)
    return redirect("twinning:outcome_list", slug=pairing.slug)


@login_required
@require_GET
def outcome_evidence(request, slug, pk):
    """The evidence file of an outcome, as a download, for those who record and check the
    pairing's outcomes."""
    pairing = _pairing_for_outcomes(request, slug, "twinning.record_outcome", EVIDENCE_REFUSED)
    outcome = selectors.outcome_of_pairing(pairing, request.user, pk)
    if not outcome.evidence_file:
        raise Http404
    extension = outcome.evidence_file.name.rsplit(".", 1)[-1].lower()
    return file_download(
        outcome.evidence_file,
        filename=f"{pairing.slug}-outcome-{outcome.pk}.{extension}",
        content_type=outcome.evidence_content_type or None,
    )


# --- Workspaces and the community ----------------------------------------------------------------
def _page_number(request, paginator) -> int | str | None:
    """The page asked for; ``last`` is the last one (where a new message lands)."""
    number = request.GET.get("page")
    return paginator.num_pages if number == "last" else number


def _page_by_keys(params, queryset, number=None):
    """A page of a workspace list: the keys of its rows first, then those rows with their
    per-row counts, so that a later page costs what the first does. Each of these lists has
    an index in its order (its space, then the newest first), from which the database reads
    any page's keys."""
    paginator = PageByKeysPaginator(queryset, PER_PAGE, few=0)
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


def _thread_start_page(request, *, where: dict, told: str, context: dict):
    """The form that opens a thread, in a pairing's workspace or a community space
    (``where``: the ``pairing`` or the ``thematic_area``); ``told`` is said once it is open."""
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_start(
                **where,
                by=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, told)
            return redirect(thread.get_absolute_url())
    return render(request, "twinning/thread_form.html", {**context, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request, slug):
    pairing = selectors.workspace_for(request.user, slug)
    return _thread_start_page(
        request,
        where={"pairing": pairing},
        told=_("The thread was opened; the workspace's members are told."),
        context={
            **_workspace_context(pairing, "threads"),
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
    # The messages' index follows their order in the thread: any page's keys are read from it.
    paginator = PageByKeysPaginator(selectors.thread_messages(thread), PER_PAGE, few=0)
    page = paginator.get_page(_page_number(request, paginator))
    rows = list(page.object_list)
    last_read = selectors.thread_last_read(thread, request.user)
    # Read again, a page already seen writes nothing.
    if rows and request.method == "GET" and rows[-1].pk > last_read:
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
    return _thread_start_page(
        request,
        where={"thematic_area": area},
        told=_("The thread was opened."),
        context={
            "area": area,
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
