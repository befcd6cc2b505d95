"""Thin views: log in, check permission, validate the form, call the service, say what
happened. Objects are only ever loaded through ``meetings.selectors``."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from worldcities import machine_translation, versions

from . import ical, selectors, services
from .filters import MeetingFilter
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    EvaluationForm,
    InvitationReminderForm,
    InviteForm,
    LogisticsForm,
    MeetingForm,
    MeetingTranslationDraftForm,
    MeetingTranslationForm,
    MinutesForm,
    OutcomeForm,
    QuotaForm,
    StatusForm,
)
from .models import AgendaItem, CalendarFeedToken, Evaluation, Meeting, Registration


def _meeting_managed(request, pk: int) -> Meeting:
    meeting = selectors.meeting_get(request.user, pk)
    if not request.user.has_perm("meetings.manage_meeting", meeting):
        raise PermissionDenied
    return meeting


def _form_error(form, exc: ValidationError) -> None:
    """Puts a service's error next to the field it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Calendar -----------------------------------------------------------------------------------
@versions.for_visitors
def meeting_list(request):
    edition = selectors.edition_of_list(request.GET)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "results": selectors.meeting_list_html(request.GET),
            "query": selectors.list_query(request.GET),
            "can_create": request.user.has_perm("meetings.create_meeting"),
            "programme_feed": ical.subscription(request, reverse("meetings:programme_ics")),
            "edition": edition,
            "edition_feed": edition
            and ical.subscription(request, reverse("meetings:edition_ics", args=[edition.slug])),
        },
    )


def meeting_month(request, year: int | None = None, month: int | None = None):
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise Http404
    filterset = MeetingFilter(
        request.GET or None, queryset=selectors.meetings_visible(request.user)
    )
    meetings = filterset.qs if filterset.is_bound else filterset.queryset
    first = datetime.date(year, month, 1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "meetings/meeting_month.html",
        {
            "filter": filterset,
            "weeks": selectors.month_grid(meetings, year, month),
            "month": first,
            "previous": previous,
            "following": following,
            "query": request.GET.urlencode(),
        },
    )


def meeting_ics(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    details = request.user.has_perm("meetings.view_meeting_details", meeting)
    agenda = details or request.user.has_perm("meetings.view_agenda", meeting)
    items = list(meeting.agenda_items.all()) if agenda else []
    selectors.in_reader_language([meeting])
    events = ical.meeting_events(meeting, details=details, agenda=items)
    return _ics_response(ical.calendar_bytes(meeting.title, events), f"{meeting.slug}.ics")


def public_feed_ics(request, slug: str | None = None):
    """The public meetings of the whole programme, or of one edition, for anyone's calendar:
    without venues or online links, with the agenda (public for these meetings)."""
    edition = selectors.edition_get(slug) if slug is not None else None
    events = []
    for meeting in selectors.in_reader_language(list(selectors.public_meetings(edition))):
        events.extend(
            ical.meeting_events(meeting, details=False, agenda=meeting.agenda_items.all())
        )
    if edition is None:
        name, filename = _("World Cities programme meetings"), "world-cities-meetings.ics"
    else:
        name, filename = _("%(edition)s: meetings") % {"edition": edition}, f"{edition.slug}.ics"
    return _ics_response(ical.calendar_bytes(name, events), filename)


def feed_ics(request, token: str):
    feed = get_object_or_404(
        CalendarFeedToken.objects.select_related("user"), token=token, user__is_active=True
    )
    # A calendar application asks without the owner's cookie: the feed speaks their language.
    with translation.override(feed.user.language or translation.get_language()):
        events = []
        meetings = selectors.in_reader_language(list(selectors.meetings_of_person(feed.user)))
        for meeting in meetings:
            events.extend(
                ical.meeting_events(meeting, details=True, agenda=meeting.agenda_items.all())
            )
        name = _("My World Cities meetings")
    return _ics_response(ical.calendar_bytes(name, events), "meetings.ics")


@login_required
def feed_settings(request):
    if request.method == "POST":
        services.feed_token_reset(user=request.user)
        messages.success(request, _("You have a new address; the old one no longer works."))
        return redirect("meetings:feed")
    token = services.feed_token_for(user=request.user)
    url = request.build_absolute_uri(reverse("meetings:feed_ics", args=[token.token]))
    return render(request, "meetings/feed.html", {"feed_url": url})


# --- One meeting --------------------------------------------------------------------------------
def _detail_context(request, meeting: Meeting, status_form=None) -> dict:
    """The shared parts come from ``selectors.meeting_page_parts``; what is the reader's own
    (their registration, the agenda's buttons, the coordinators' panel and its form) is
    rendered on every request around them."""
    user = request.user
    details = user.has_perm("meetings.view_meeting_details", meeting)
    agenda = details or user.has_perm("meetings.view_agenda", meeting)
    manage = user.has_perm("meetings.manage_meeting", meeting)
    registration = selectors.registration_of(meeting, user)
    holding = registration is not None and registration.holds_place
    in_play = registration is not None and registration.status in Registration.ACTIVE
    context = {
        "meeting": meeting,
        "details": details,
        "agenda_visible": agenda,
        "manage": manage,
        "registration": registration,
        "waitlist_position": registration and services.waitlist_position(registration),
        "parts": selectors.meeting_page_parts(
            meeting,
            details=details,
            agenda=agenda,
            original=request.GET.get("original") == "1",
        ),
        "holds_place": holding,
        "in_play": in_play,
        "can_register": (not in_play or registration.status == Registration.Status.INVITED)
        and user.has_perm("meetings.register", meeting),
        "can_evaluate": registration is not None
        and registration.attended
        and services.evaluation_open(meeting)
        and not Evaluation.objects.filter(meeting=meeting, person=user).exists(),
    }
    if details:
        context["outcomes"] = selectors.outcomes_for(meeting)
        context["signed_up"] = selectors.signed_up_items(meeting, user) if holding else frozenset()
    if manage:
        context["status_form"] = status_form or StatusForm(initial={"status": meeting.status})
    return context


@versions.for_visitors
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk, for_page=True)
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


@login_required
def meeting_create(request):
    if not request.user.has_perm("meetings.create_meeting"):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        edition, pairings = data.pop("edition"), data.pop("pairings")
        try:
            meeting = services.meeting_create(
                edition=edition, by=request.user, pairings=pairings, **data
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The meeting is scheduled."))
            return redirect(meeting)
    return render(request, "meetings/form.html", {"form": form, "title": _("Schedule a meeting")})


@login_required
def meeting_edit(request, pk: int):
    meeting = _meeting_managed(request, pk)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "pairings"}
        try:
            services.meeting_update(
                meeting=meeting, by=request.user, pairings=form.cleaned_data["pairings"], **data
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "title": _("Edit the meeting")},
    )


@login_required
@require_POST
def meeting_status(request, pk: int):
    meeting = _meeting_managed(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_set_status(
                meeting=meeting, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The meeting's status is saved."))
            return redirect("meetings:detail", pk=meeting.pk)
    context = _detail_context(request, meeting, status_form=form)
    return render(request, "meetings/meeting_detail.html", context, status=400)


@login_required
def quotas_edit(request, pk: int):
    meeting = _meeting_managed(request, pk)
    form = QuotaForm(request.POST or None, meeting=meeting, quotas=selectors.quotas_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.quotas_update(meeting=meeting, by=request.user, places=form.places())
        except ValidationError as exc:
            for city_id, errors in exc.error_dict.items():
                form.add_error(f"city_{city_id}", errors)
        else:
            messages.success(request, _("The delegation quotas are saved."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "title": _("Delegation quotas")},
    )


@login_required
def agenda_item_create(request, pk: int):
    meeting = _meeting_managed(request, pk)
    form = AgendaItemForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisations = data.pop("organisations")
        try:
            services.agenda_item_create(
                meeting=meeting, by=request.user, organisations=organisations, **data
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The agenda item is added."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "title": _("Add to the agenda")},
    )


@login_required
def agenda_item_edit(request, pk: int, item_pk: int):
    meeting = _meeting_managed(request, pk)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    form = AgendaItemForm(request.POST or None, meeting=meeting, instance=item)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisations = data.pop("organisations")
        try:
            services.agenda_item_update(
                item=item, by=request.user, organisations=organisations, **data
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The agenda item is saved."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"#item-{item.pk}")
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "title": _("Edit the agenda item")},
    )


@login_required
@require_POST
def agenda_item_delete(request, pk: int, item_pk: int):
    meeting = _meeting_managed(request, pk)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    services.agenda_item_delete(item=item, by=request.user)
    messages.success(request, _("The agenda item is removed."))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def agenda_signup(request, pk: int, item_pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    if not request.user.has_perm("meetings.view_meeting_details", meeting):
        raise PermissionDenied
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    try:
        if request.POST.get("withdraw"):
            services.agenda_signup_cancel(item=item, person=request.user)
            messages.success(request, _("You are no longer signed up for “%s”.") % item.title)
        else:
            services.agenda_signup(item=item, person=request.user)
            messages.success(request, _("You are signed up for “%s”.") % item.title)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"#item-{item.pk}")


# --- Registrations ------------------------------------------------------------------------------
@login_required
@require_POST
def register(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    if not request.user.has_perm("meetings.register", meeting):
        raise PermissionDenied
    try:
        registration = services.registration_register(meeting=meeting, person=request.user)
    except ValidationError as exc:
        context = _detail_context(request, meeting)
        context["registration_error"] = " ".join(exc.messages)
        return render(request, "meetings/meeting_detail.html", context, status=400)
    message = services.registration_message(registration)
    if registration.status == Registration.Status.WAITLISTED:
        messages.warning(request, message)
    else:
        messages.success(request, message)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def registration_cancel(request, pk: int, registration_pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    registration = selectors.registration_get(request.user, meeting, registration_pk)
    try:
        registration = services.registration_cancel(registration=registration, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if registration.status == Registration.Status.DECLINED:
            messages.success(request, _("The invitation is declined."))
        else:
            messages.success(request, _("The registration is cancelled."))
    if registration.person_id == request.user.pk:
        return redirect("meetings:detail", pk=meeting.pk)
    return redirect("meetings:registrations", pk=meeting.pk)


@login_required
@require_POST
def registration_confirm(request, pk: int, registration_pk: int):
    meeting = _meeting_managed(request, pk)
    registration = selectors.registration_get(request.user, meeting, registration_pk)
    try:
        services.registration_confirm(registration=registration, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%s is confirmed.") % registration.person)
    return redirect("meetings:registrations", pk=meeting.pk)


@login_required
def registration_logistics(request, pk: int, registration_pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    registration = selectors.registration_get(request.user, meeting, registration_pk)
    form = LogisticsForm(request.POST or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_update_logistics(
                registration=registration, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The travel details are saved."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "meeting": meeting,
            "title": _("Travel details of %s") % registration.person,
            "intro": _("Only you and the coordinators see these details."),
        },
    )


@login_required
def registrations(request, pk: int):
    """The list, and the form that reminds people of invitations they have not answered."""
    meeting = _meeting_managed(request, pk)
    form = InvitationReminderForm(request.POST or None, meeting=meeting)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sent = services.invitation_reminders_send(
                    meeting=meeting,
                    registrations=form.cleaned_data["recipients"],
                    by=request.user,
                    token=form.cleaned_data["token"],
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                if sent:
                    messages.success(
                        request,
                        ngettext(
                            "A reminder is on its way to %(count)d person.",
                            "A reminder is on its way to %(count)d people.",
                            sent,
                        )
                        % {"count": sent},
                    )
                else:
                    messages.info(request, _("These reminders were already sent."))
                return redirect("meetings:registrations", pk=meeting.pk)
        status = 400
    return render(
        request,
        "meetings/registrations.html",
        {
            "meeting": meeting,
            "registrations": selectors.registrations_for_manager(meeting),
            "active_statuses": [str(s) for s in Registration.ACTIVE],
            "reminder_form": form,
        },
        status=status,
    )


@login_required
def invite(request, pk: int):
    meeting = _meeting_managed(request, pk)
    form = InviteForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_invite(
                meeting=meeting, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            if registration.status == Registration.Status.INVITED:
                messages.success(request, _("%s is invited.") % registration.person)
            else:
                messages.success(
                    request,
                    _("%(person)s: %(status)s.")
                    % {
                        "person": registration.person,
                        "status": registration.get_status_display(),
                    },
                )
            return redirect("meetings:invite", pk=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "title": _("Invite someone")},
    )


# --- After the meeting --------------------------------------------------------------------------
@login_required
def minutes_edit(request, pk: int):
    meeting = _meeting_managed(request, pk)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        services.minutes_record(meeting=meeting, by=request.user, **form.cleaned_data)
        messages.success(request, _("The minutes are saved."))
        return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request, "meetings/form.html", {"form": form, "meeting": meeting, "title": _("Minutes")}
    )


@login_required
def attendance_edit(request, pk: int):
    meeting = _meeting_managed(request, pk)
    form = AttendanceForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.attendance_record(
                meeting=meeting,
                by=request.user,
                attended_ids=[r.pk for r in form.cleaned_data["attended"]],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Attendance is saved: %d attended.") % count)
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request, "meetings/form.html", {"form": form, "meeting": meeting, "title": _("Attendance")}
    )


@login_required
def outcome_create(request, pk: int):
    meeting = _meeting_managed(request, pk)
    form = OutcomeForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_create(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The action is added to the pairing's action plan."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#outcomes")
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "title": _("Turn an outcome into an action")},
    )


@login_required
def evaluation(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    if not request.user.has_perm("meetings.evaluate", meeting):
        raise PermissionDenied
    already = Evaluation.objects.filter(meeting=meeting, person=request.user).exists()
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(meeting=meeting, person=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Thank you: your evaluation is recorded."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/evaluation.html",
        {
            "form": form,
            "meeting": meeting,
            "already": already,
            "open": services.evaluation_open(meeting),
        },
        status=400 if form.errors else 200,
    )


@login_required
def evaluation_summary(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    if not request.user.has_perm("meetings.view_evaluation_summary", meeting):
        raise PermissionDenied
    return render(
        request,
        "meetings/evaluation_summary.html",
        {"meeting": meeting, "summary": selectors.evaluation_summary(meeting)},
    )


# --- Translations -------------------------------------------------------------------------------
@login_required
def meeting_translations(request, pk: int):
    """The meeting's translations: its coordinators add, edit and check them."""
    meeting = _meeting_managed(request, pk)
    form = MeetingTranslationForm(request.POST or None, prefix="translation")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meeting_translation_save(
                    meeting=meeting, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Translation saved. It waits for a check."))
                return redirect("meetings:translations", pk=meeting.pk)
        messages.error(request, _("Please correct the errors below. Nothing was saved."))
        status = 400
    return _translations_page(request, meeting, form=form, status=status)


def _translations_page(request, meeting, *, form=None, draft_form=None, status=200):
    if form is None:
        form = MeetingTranslationForm(prefix="translation")
    if draft_form is None and machine_translation.enabled():
        draft_form = MeetingTranslationDraftForm(prefix="draft")
    return render(
        request,
        "meetings/translations.html",
        {
            "meeting": meeting,
            "translations": selectors.meeting_translations(meeting),
            "form": form,
            "draft_form": draft_form,
        },
        status=status,
    )


@login_required
def meeting_translation_edit(request, pk: int, language: str):
    meeting = _meeting_managed(request, pk)
    translation = get_object_or_404(meeting.translations, language=language)
    form = MeetingTranslationForm(request.POST or None, instance=translation, prefix="translation")
    if request.method == "POST" and form.is_valid():
        services.meeting_translation_save(
            meeting=meeting, by=request.user, translation=translation, **form.cleaned_data
        )
        messages.success(request, _("Translation saved. It waits for a check."))
        return redirect("meetings:translations", pk=meeting.pk)
    return render(
        request,
        "meetings/translation_form.html",
        {"meeting": meeting, "translation": translation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def meeting_translation_draft(request, pk: int):
    meeting = _meeting_managed(request, pk)
    form = MeetingTranslationDraftForm(request.POST, prefix="draft")
    if form.is_valid():
        try:
            services.meeting_translation_draft_request(
                meeting=meeting, language=form.cleaned_data["language"], by=request.user
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("A draft is being made: reload this page in a minute. It waits for a check."),
            )
            return redirect("meetings:translations", pk=meeting.pk)
    messages.error(request, _("Please correct the errors below. Nothing was saved."))
    return _translations_page(request, meeting, draft_form=form, status=400)


@login_required
@require_POST
def meeting_translation_check(request, pk: int, language: str):
    meeting = _meeting_managed(request, pk)
    translation = get_object_or_404(meeting.translations, language=language)
    services.meeting_translation_check(translation=translation, by=request.user)
    messages.success(
        request,
        _("The translation into %(language)s is marked as checked.")
        % {"language": translation.get_language_display()},
    )
    return redirect("meetings:translations", pk=meeting.pk)
