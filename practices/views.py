"""Thin views: log in, check the rule, validate the form, call the service, say what
happened. Objects are loaded only through ``practices.selectors`` (so what a user may not
see is a 404)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cities.models import ThematicArea
from worldcities import machine_translation, versions
from worldcities.downloads import file_download

from . import selectors, services
from .filters import PracticeFilter
from .forms import (
    FORMSETS,
    CommentForm,
    PracticeForm,
    ReviewForm,
    TransferForm,
    TranslationDraftForm,
    TranslationForm,
)
from .models import Practice
from .permissions import SUBMITTABLE, abilities, can
from .rendering import render_markdown

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def _require(user, action, practice=None):
    if not can(user, action, practice):
        raise PermissionDenied


# --- Finding practices --------------------------------------------------------------------------
@require_GET
@versions.for_visitors
def practice_list(request):
    # The results (facets, cards, pages) are the same for every reader: only published
    # practices are listed (``selectors.practice_results_html``).
    results = selectors.practice_results_html(params=request.GET)
    if request.htmx and not request.htmx.boosted:
        return HttpResponse(results)
    context = {
        "results": results,
        "q": request.GET.get("q", ""),
        "sort": request.GET.get("sort", ""),
        "sort_choices": PracticeFilter.SORT_CHOICES,
        "area_feed_slug": _one_area(request.GET),
    }
    if request.user.is_authenticated:
        context["areas"] = selectors.areas_to_follow(request.user)
    return render(request, "practices/practice_list.html", context)


def _one_area(params) -> str | None:
    """The slug of the list's thematic area when it is filtered on exactly one (its feed is
    offered alongside); an unknown slug's feed answers 404."""
    areas = params.getlist("area")
    if len(areas) == 1 and SLUG.fullmatch(areas[0]):
        return areas[0]
    return None


# --- One practice -------------------------------------------------------------------------------
def _detail_context(request, practice, **forms):
    """The page of one practice: the parts every reader sees (cached), and what this reader
    may do with it (their buttons and forms, never cached)."""
    user = request.user
    can_do = abilities(user, practice)
    context = {
        "practice": practice,
        "parts": selectors.practice_parts(practice),
        "show_history": can_do["change"] or can_do["review"] or can_do["archive"],
        "can": can_do,
        "following": can_do["follow"] and practice.following,
        "is_preview": practice.status != Practice.Status.PUBLISHED,
    }
    if can_do["transfer"]:
        my_transfer = getattr(practice, "transfer_of_reader", None)
        context["transfer_form"] = forms.get("transfer_form") or TransferForm(
            instance=my_transfer, prefix="transfer"
        )
    if can_do["comment"]:
        context["comment_form"] = forms.get("comment_form") or CommentForm(prefix="comment")
    if can_do["review"]:
        context["review_form"] = forms.get("review_form") or ReviewForm(prefix="review")
    return context


@require_GET
@versions.for_visitors
def practice_detail(request, slug):
    practice = selectors.practice_for_page(
        user=request.user, slug=slug, original=request.GET.get("original") == "1"
    )
    return render(request, "practices/practice_detail.html", _detail_context(request, practice))


def _rerender_detail(request, slug, **forms):
    practice = selectors.practice_for_page(user=request.user, slug=slug)
    return render(
        request,
        "practices/practice_detail.html",
        _detail_context(request, practice, **forms),
        status=400,
    )


# --- Writing ------------------------------------------------------------------------------------
def _formsets(request, practice, post=None):
    data = (post, request.FILES) if request.method == "POST" else (None, None)
    return [
        (
            label,
            formset_class(
                *data,
                instance=practice,
                prefix=prefix,
                form_kwargs={"owner": request.user} if prefix == "attachments" else {},
            ),
        )
        for prefix, formset_class, label in FORMSETS
    ]


def _attachment_forms(formsets):
    """The rows of the attachments formset, checked (also when the practice form failed
    first and the formsets were not)."""
    formset = next(fs for _label, fs in formsets if fs.prefix == "attachments")
    formset.is_valid()
    return formset.forms


def _file_forms(form, formsets):
    """The forms whose file survives a failed submit (``KeptUploadMixin``)."""
    return [form, *_attachment_forms(formsets)]


def _keep_new_uploads(request, form, formsets) -> None:
    """A submit that did not save: keeps each new file that passed its checks, so that the
    form shows it as already chosen and the next submit uses it."""
    for each in _file_forms(form, formsets):
        if upload := each.new_upload():
            each.keep(
                services.pending_upload_keep(
                    owner=request.user,
                    upload=upload,
                    content_type=getattr(each.instance, each.content_type_attr),
                )
            )


def _m2m_changed(form, *, creating) -> dict:
    """The areas, topics and actions to store: those the form changed (read against what
    the form was given, in this request), so that a save of the text alone rewrites none."""
    data = form.cleaned_data
    return {
        name: data[name]
        for name in ("thematic_areas", "topics", "actions")
        if creating or {o.pk for o in data[name]} != {o.pk for o in form.initial.get(name, ())}
    }


def _edit(request, practice, *, creating):
    city = request.user.city if creating else practice.city
    if request.method == "POST":
        # One copy of the POST data: after a failed submit, the forms name in it the files
        # kept for the next one (``KeptUploadMixin.keep``).
        post = request.POST.copy()
        form = PracticeForm(post, request.FILES, instance=practice, city=city, owner=request.user)
        formsets = _formsets(request, practice, post)
        if form.is_valid() and all(fs.is_valid() for _label, fs in formsets):
            # "Save and submit" submits only what may be submitted (a draft or a returned
            # practice, as it stands in the database), in the same transaction as the save.
            submit = request.POST.get("then") == "submit" and (
                creating or Practice.objects.filter(pk=practice.pk, status__in=SUBMITTABLE).exists()
            )
            try:
                with transaction.atomic():
                    practice = services.practice_save(
                        practice=form.save(commit=False),
                        by=request.user,
                        m2m=_m2m_changed(form, creating=creating),
                        formsets=[fs for _label, fs in formsets],
                    )
                    services.pending_uploads_used(
                        owner=request.user,
                        uploads=[
                            each.pending_upload
                            for each in _file_forms(form, formsets)
                            if each.pending_upload and each.has_changed()
                        ],
                    )
                    if submit:
                        practice = services.practice_submit(practice=practice, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if submit:
                    messages.success(request, _("Saved and submitted for review."))
                elif practice.status == Practice.Status.PUBLISHED:
                    messages.success(request, _("Saved. The new version is published."))
                else:
                    messages.success(request, _("Saved. This is how your practice will look."))
                return redirect(practice)
        _keep_new_uploads(request, form, formsets)
        messages.error(request, _("Please correct the errors below. Nothing was saved."))
        status = 400
    else:
        form = PracticeForm(instance=practice, city=city)
        formsets = _formsets(request, practice)
        status = 200
    return render(
        request,
        "practices/practice_form.html",
        {"form": form, "formsets": formsets, "practice": practice, "creating": creating},
        status=status,
    )


@login_required
def practice_create(request):
    _require(request.user, "add")
    return _edit(request, Practice(city=request.user.city), creating=True)


@login_required
def practice_edit(request, slug):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    _require(request.user, "change", practice)
    return _edit(request, practice, creating=False)


@login_required
@require_POST
def markdown_preview(request):
    _require(request.user, "add")
    html = render_markdown(request.POST.get("body", ""))
    return HttpResponse(html or _("Nothing to preview yet."))


# --- Lifecycle ----------------------------------------------------------------------------------
@login_required
@require_POST
def practice_submit(request, slug):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    _require(request.user, "submit", practice)
    services.practice_submit(practice=practice, by=request.user)
    messages.success(request, _("Submitted. A coordinator of your edition will review it."))
    return redirect(practice)


@login_required
@require_POST
def practice_review(request, slug):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    _require(request.user, "review", practice)
    form = ReviewForm(request.POST, prefix="review")
    if not form.is_valid():
        return _rerender_detail(request, slug, review_form=form)
    if form.cleaned_data["decision"] == "publish":
        services.practice_publish(practice=practice, by=request.user)
        messages.success(request, _("Published."))
    else:
        services.practice_return(
            practice=practice, by=request.user, comment=form.cleaned_data["comment"]
        )
        messages.success(request, _("Returned to the city with your comment."))
    return redirect(practice)


@login_required
@require_POST
def practice_archive(request, slug):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    _require(request.user, "archive", practice)
    services.practice_archive(practice=practice, by=request.user)
    messages.success(request, _("Archived. It no longer appears in the public list."))
    return redirect(practice)


# --- The exchange -------------------------------------------------------------------------------
@login_required
@require_POST
def practice_transfer(request, slug):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    _require(request.user, "transfer", practice)
    form = TransferForm(request.POST, prefix="transfer")
    if form.is_valid():
        try:
            services.practice_transfer_set(
                practice=practice,
                by=request.user,
                status=form.cleaned_data["status"],
                story=form.cleaned_data["story"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your city's take-up is recorded."))
            return redirect(practice)
    return _rerender_detail(request, slug, transfer_form=form)


@login_required
@require_POST
def practice_comment(request, slug):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    _require(request.user, "comment", practice)
    form = CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        services.comment_create(
            practice=practice,
            by=request.user,
            body=form.cleaned_data["body"],
            kind=form.cleaned_data["kind"],
        )
        messages.success(request, _("Posted. The city's delegates are told by e-mail."))
        return redirect(f"{practice.get_absolute_url()}#discussion")
    return _rerender_detail(request, slug, comment_form=form)


@login_required
@require_POST
def practice_follow(request, slug):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    _require(request.user, "follow", practice)
    following = services.follow_toggle(user=request.user, practice=practice)
    messages.success(
        request,
        _("You follow this practice.") if following else _("You no longer follow this practice."),
    )
    return redirect(practice)


@login_required
@require_POST
def area_follow(request, slug):
    area = get_object_or_404(ThematicArea, slug=slug)
    _require(request.user, "follow_area")
    following = services.follow_toggle(user=request.user, thematic_area=area)
    messages.success(
        request,
        _("You follow %(area)s.") % {"area": area.name}
        if following
        else _("You no longer follow %(area)s.") % {"area": area.name},
    )
    return redirect(f"{reverse('practices:list')}?area={area.slug}")


# --- Files --------------------------------------------------------------------------------------
@require_GET
def attachment_download(request, slug, pk):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    attachment = get_object_or_404(practice.attachments, pk=pk)
    return file_download(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        public=practice.is_public,
    )


@require_GET
def cover_image(request, slug):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    if not practice.cover_image:
        raise Http404
    extension = practice.cover_image.name.rsplit(".", 1)[-1]
    return file_download(
        practice.cover_image,
        filename=f"{practice.slug}.{extension}",
        content_type=practice.cover_content_type or "application/octet-stream",
        public=practice.is_public,
    )


@require_GET
def version_detail(request, slug, number):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    version = get_object_or_404(practice.versions, number=number)
    return render(
        request, "practices/version_detail.html", {"practice": practice, "version": version}
    )


# --- A person's own page ------------------------------------------------------------------------
@login_required
@require_GET
def workspace(request):
    _require(request.user, "workspace")
    return render(request, "practices/workspace.html", selectors.practices_workspace(request.user))


# --- Translations -------------------------------------------------------------------------------
def _translations_page(request, practice, *, form=None, draft_form=None, status=200):
    can_translate = can(request.user, "translate", practice)
    if can_translate and form is None:
        form = TranslationForm(practice=practice, prefix="translation")
    if can_translate and machine_translation.enabled() and draft_form is None:
        draft_form = TranslationDraftForm(prefix="draft")
    return render(
        request,
        "practices/translations.html",
        {
            "practice": practice,
            "translations": selectors.practice_translations(practice),
            "form": form if can_translate else None,
            "draft_form": draft_form if can_translate else None,
            "can_check": can(request.user, "check_translation", practice),
            "can_translate": can_translate,
        },
        status=status,
    )


def _translator(request, slug):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    if not (
        can(request.user, "translate", practice) or can(request.user, "check_translation", practice)
    ):
        raise PermissionDenied
    return practice


@login_required
def practice_translations(request, slug):
    """The practice's translations: delegates of its city add them, coordinators check them."""
    practice = _translator(request, slug)
    if request.method != "POST":
        return _translations_page(request, practice)
    _require(request.user, "translate", practice)
    form = TranslationForm(request.POST, practice=practice, prefix="translation")
    if form.is_valid():
        try:
            services.practice_translation_save(
                practice=practice, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Translation saved. A coordinator will check it."))
            return redirect("practices:translations", slug=practice.slug)
    messages.error(request, _("Please correct the errors below. Nothing was saved."))
    return _translations_page(request, practice, form=form, status=400)


@login_required
def practice_translation_edit(request, slug, language):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    _require(request.user, "translate", practice)
    translation = get_object_or_404(practice.translations, language=language)
    form = TranslationForm(
        request.POST or None, instance=translation, practice=practice, prefix="translation"
    )
    if request.method == "POST":
        if form.is_valid():
            services.practice_translation_save(
                practice=practice, by=request.user, translation=translation, **form.cleaned_data
            )
            messages.success(request, _("Translation saved. A coordinator will check it."))
            return redirect("practices:translations", slug=practice.slug)
        messages.error(request, _("Please correct the errors below. Nothing was saved."))
    return render(
        request,
        "practices/translation_form.html",
        {"practice": practice, "translation": translation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def practice_translation_check(request, slug, language):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    _require(request.user, "check_translation", practice)
    translation = get_object_or_404(practice.translations, language=language)
    services.practice_translation_check(translation=translation, by=request.user)
    messages.success(
        request,
        _("The translation into %(language)s is marked as checked.")
        % {"language": translation.get_language_display()},
    )
    return redirect("practices:translations", slug=practice.slug)


@login_required
@require_POST
def practice_translation_draft(request, slug):
    practice = selectors.practice_for_action(user=request.user, slug=slug)
    _require(request.user, "translate", practice)
    form = TranslationDraftForm(request.POST, prefix="draft")
    if form.is_valid():
        try:
            services.practice_translation_draft_request(
                practice=practice, language=form.cleaned_data["language"], by=request.user
            )
        except ValidationError as error:
            form.add_error("language" if hasattr(error, "error_dict") else None, error.messages)
        else:
            messages.success(
                request,
                _("A draft is being made: reload this page in a minute. It waits for a check."),
            )
            return redirect("practices:translations", slug=practice.slug)
    messages.error(request, _("Please correct the errors below. Nothing was saved."))
    return _translations_page(request, practice, draft_form=form, status=400)


# --- Practices attached to an application to a call -----------------------------------------------
@login_required
@require_POST
def application_practices(request, application):
    """Attaches the ticked published practices of the city to its application (the section of
    the application page that ``PracticesConfig.ready`` registers)."""
    from twinning.selectors import applications_visible_to

    application = get_object_or_404(
        applications_visible_to(request.user).select_related("call__edition", "city"),
        pk=application,
    )
    ids = [value for value in request.POST.getlist("practices") if value.isdigit()]
    chosen = list(selectors.practices_attachable(application).filter(pk__in=ids))
    try:
        services.application_practices_set(
            application=application, practices=chosen, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The practices attached to the application were saved."))
    return redirect(f"{application.get_absolute_url()}#practices")
