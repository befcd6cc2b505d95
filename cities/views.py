from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from worldcities import versions

from . import extensions, permissions
from .filters import CityFilterSet, OpportunityFilterSet, PersonFilterSet
from .forms import ContactForm, OpportunityAnswerForm, OpportunityForm
from .paging import list_query, paginate
from .sections import city_sections
from .selectors import (
    cities_public,
    city_detail_rows,
    city_for_page,
    city_list_rows,
    directory_people,
    directory_person,
    opportunities_listed,
    opportunity_for_page,
    organisations_postable_by,
)
from .services import (
    contact_send,
    opportunity_answer,
    opportunity_post,
    opportunity_response_confirm,
)


def _city_list_parts(query) -> dict:
    """The list's filter form, its page of cities and their count, as HTML rendered without
    the request (every reader gets the same list)."""
    filterset = CityFilterSet(query or None, queryset=cities_public())
    page = paginate(query, filterset.qs)
    context = {
        "filterset": filterset,
        "page": page,
        "cities": city_list_rows(page),
        "columns": list(extensions.columns.values()),
        "params": query,
    }
    return {
        part: render_to_string(f"cities/fragments/city_list_{part}.html", context)
        for part in ("filters", "results", "count")
    }


@versions.for_visitors
def city_list(request):
    query = list_query(request.GET, CityFilterSet.parameters())
    parts = versions.cached(
        "cities:list",
        depends_on=extensions.city_list_shows(),
        vary=[query.urlencode()],
        compute=lambda: _city_list_parts(query),
    )
    parts = {name: mark_safe(html) for name, html in parts.items()}
    if request.htmx and request.htmx.target == "city-results":
        return render(
            request, "includes/results_with_count.html", {"parts": parts, "count_id": "city-count"}
        )
    return render(request, "cities/city_list.html", {"parts": parts})


@versions.for_visitors
def city_detail(request, slug):
    city = city_for_page(slug)
    profile = versions.Part(
        "cities:profile",
        depends_on=[f"city:{city.pk}"],
        vary=[city.pk],
        # Read again once the versions are known: a change committed since the first read is
        # never kept under its new version.
        compute=lambda: render_to_string(
            "cities/fragments/city_profile.html", {"city": city_detail_rows(city_for_page(slug))}
        ),
    )
    sections, [profile] = city_sections(request, city, also=[profile])
    return render(
        request,
        "cities/city_detail.html",
        {"city": city, "profile": mark_safe(profile), "sections": sections},
    )


# --- The directory of people ---------------------------------------------------------------------
def _members_only(request):
    """Raises 403 for an account that may not use these pages (an inactive one); visitors
    are sent to the login page by ``login_required`` first."""
    if not permissions.can_use_directory(request.user):
        raise PermissionDenied


@login_required
def people_list(request):
    _members_only(request)
    query = list_query(request.GET, PersonFilterSet.parameters())
    filterset = PersonFilterSet(query, queryset=directory_people())
    page = paginate(query, filterset.qs if filterset.is_valid() else directory_people().none())
    context = {"filterset": filterset, "page": page, "people": page.object_list, "params": query}
    return render(request, "cities/people_list.html", context)


@login_required
def person_detail(request, pk):
    _members_only(request)
    person = directory_person(pk)
    may_contact = permissions.can_contact(request.user, person)
    form = ContactForm(request.POST or None) if may_contact else None
    if request.method == "POST":
        if form is None:
            messages.error(
                request,
                _("You cannot send a message to yourself.")
                if person.pk == request.user.pk
                else _("This person cannot be contacted."),
            )
            return redirect("cities:person", pk=person.pk)
        if form.is_valid():
            try:
                contact_send(sender=request.user, recipient=person, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Your message was sent to %(name)s.") % {"name": person}
                )
                return redirect("cities:person", pk=person.pk)
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "cities/person_detail.html",
        {"person": person, "form": form, "is_self": person.pk == request.user.pk},
        status=status,
    )


# --- Triple-helix opportunities ------------------------------------------------------------------
@login_required
def opportunity_list(request):
    if not permissions.can_view_opportunities(request.user):
        raise PermissionDenied
    query = list_query(request.GET, OpportunityFilterSet.parameters())
    filterset = OpportunityFilterSet(query, queryset=opportunities_listed())
    base = filterset.qs if filterset.is_valid() else opportunities_listed().none()
    page = paginate(query, base)
    context = {
        "filterset": filterset,
        "page": page,
        "opportunities": page.object_list,
        "params": query,
        "today": timezone.localdate(),
        "may_post": organisations_postable_by(request.user).exists(),
    }
    return render(request, "cities/opportunity_list.html", context)


@login_required
def opportunity_create(request):
    organisations = organisations_postable_by(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = OpportunityForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opportunity = opportunity_post(by=request.user, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Your opportunity is published. People whose interests match will be told."),
            )
            return redirect(opportunity.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "cities/opportunity_form.html", {"form": form}, status=status)


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: by the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def opportunity_detail(request, pk):
    if not permissions.can_view_opportunities(request.user):
        raise PermissionDenied
    opportunity = opportunity_for_page(pk)
    responses = list(opportunity.responses.all())
    own = next((r for r in responses if r.responder_id == request.user.pk), None)
    may_answer = permissions.can_answer(request.user, opportunity) and own is None
    form = OpportunityAnswerForm(request.POST or None) if may_answer else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(request, _("You cannot answer this opportunity."))
            return redirect(opportunity.get_absolute_url())
        if form.is_valid():
            try:
                opportunity_answer(
                    opportunity=opportunity,
                    by=request.user,
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("Your answer was sent. The poster will confirm once in touch.")
                )
                return redirect(opportunity.get_absolute_url())
        status = 400
    return render(
        request,
        "cities/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "responses": responses,
            "own_response": own,
            "form": form,
            "expired": opportunity.is_expired(),
            "may_confirm": permissions.can_confirm(request.user, opportunity),
            "taken_up": [r for r in responses if r.is_confirmed],
        },
        status=status,
    )


@login_required
@require_POST
def opportunity_confirm(request, pk, response_pk):
    if not permissions.can_view_opportunities(request.user):
        raise PermissionDenied
    opportunity = opportunity_for_page(pk)
    response = next((r for r in opportunity.responses.all() if r.pk == response_pk), None)
    if response is None:
        raise Http404
    try:
        opportunity_response_confirm(response=response, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("Recorded: you are in touch with %(name)s.") % {"name": response.responder},
        )
    return redirect(opportunity.get_absolute_url())
