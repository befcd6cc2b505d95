"""Every write to practices: saving with its figures, partners, files and links in one
transaction; the review lifecycle with a snapshot of each published version; transfers with
the adoption counter; questions, comments and follows."""

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Exists,
    F,
    Func,
    OuterRef,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from twinning.models import Action
from twinning.services import action_links_changed, application_lock_for_change
from worldcities import machine_translation, textsearch, versions
from worldcities.notifications.models import Kind
from worldcities.notifications.services import notify, notify_people_later

from .models import (
    ApplicationPractice,
    Comment,
    Follow,
    KeyFigure,
    PendingUpload,
    Practice,
    PracticePartner,
    PracticeStatusChange,
    PracticeTranslation,
    PracticeVersion,
    Transfer,
)
from .permissions import can
from .rendering import render_markdown

S = Practice.Status

TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED},
    S.RETURNED: {S.SUBMITTED},
    S.SUBMITTED: {S.PUBLISHED, S.RETURNED},
    S.PUBLISHED: {S.ARCHIVED},
    S.ARCHIVED: set(),
}
TRANSFER_ORDER = [Transfer.Status.INTERESTED, Transfer.Status.ADAPTING, Transfer.Status.ADOPTED]


# --- What cached pages show ---------------------------------------------------------------------
PUBLISHED = "practices:published"


def taken_up(city_pk: int) -> str:
    """The version of the practices a city took up from others (its transfers)."""
    return f"practices:taken-up:{city_pk}"


def listed_under(kind: str, pk) -> str:
    """The version of what shows the published practices of one area, topic, city, country
    or pairing (``kind``): the public list filtered by that value (``selectors.list_names``),
    a city's page and a pairing's page list theirs. It keeps under this name rather than under
    every published practice's."""
    return f"practices:{kind}:{pk}"


def word_key(word: str) -> str:
    """A searched word (a lexeme, in any script) as a short name."""
    return hashlib.sha256(word.encode()).hexdigest()[:16]


def lists_showing(pks) -> list[str]:
    """The names of every list the practices ``pks`` show in, as their rows stand now: the
    filtered or searched public lists (``listed_under`` their areas, topics, city, country
    and the words of their stored search vector), their city's and their pairing's pages,
    and the pages of the cities that took them up (``taken_up``): one query."""
    words = Func(
        "search_vector", function="tsvector_to_array", output_field=ArrayField(TextField())
    )
    takers = ArraySubquery(
        Transfer.objects.filter(practice=OuterRef("pk")).order_by().values("city_id")
    )
    rows = Practice.objects.filter(pk__in=pks).values_list(
        "area_ids", "topic_ids", "city_id", "city__country_id", "pairing_id", takers, words
    )
    names = set()
    for areas, topics, city, country, pairing, taken_by, lexemes in rows:
        names.update(listed_under("area", pk) for pk in areas)
        names.update(listed_under("topic", pk) for pk in topics)
        names.update([listed_under("city", city), listed_under("country", country)])
        if pairing is not None:
            names.add(listed_under("pairing", pairing))
        names.update(taken_up(pk) for pk in taken_by)
        names.update(listed_under("word", word_key(word)) for word in lexemes or ())
    return sorted(names)


def practice_changed(*, practice: Practice, listed: bool = False, listed_before=()) -> None:
    """Says that what the practice's page shows changed (``worldcities.versions``), and with
    ``listed`` that the public list's cards or counts did too: called by every service that
    writes a practice or a row its page shows. ``listed`` is for a practice that is, or was
    until this change, published; a change that may have moved it to other areas, topics or
    a city passes the lists it showed in before (``lists_showing``) as ``listed_before``."""
    names = [practice_name(practice.pk)]
    if listed:
        names += [PUBLISHED, *lists_showing([practice.pk]), *listed_before]
        # The action plans of its pairing list the published practices their actions led to.
        action_links_changed(actions=Action.objects.filter(practices=practice.pk))
    versions.bump(*names)


def practice_name(pk: int) -> str:
    """The version name of what a practice's page shows of it (``practice_changed``)."""
    return f"practice:{pk}"


def questions_name(pk: int) -> str:
    """The version name of a practice's questions and comments: its page keeps them apart
    from the rest, which a question leaves as it is."""
    return f"practice:{pk}:questions"


def questions_changed(*, practice_ids) -> None:
    """Says that the questions of these practices changed (added, edited or deleted)."""
    versions.bump(*(questions_name(pk) for pk in practice_ids))


# --- Derived data -------------------------------------------------------------------------------
def practice_index(*, practice: Practice, text: bool = True, links: bool = True) -> None:
    """Refreshes what search and the facet counts read from the practice's own row (see
    ``practices_reindex``): with ``text`` false, its text is known not to have changed; with
    ``links`` false, its areas, topics, partners and key figures."""
    practices_reindex(Practice.objects.filter(pk=practice.pk), text=text, links=links)


class JoinedDocuments(Aggregate):
    """The search documents of a group of rows, joined into one (``||``)."""

    function = "worldcities_tsvector_agg"
    output_field = SearchVectorField()


def practices_reindex(practices, *, text: bool = True, links: bool = True) -> None:
    """Refreshes, for every practice of the queryset ``practices``, the stored weighted search
    vector (title A, summary B, body C, in the configuration of the practice's language, then
    the search documents of its translations, each in its own) and what the facet counts read
    instead of joining: the ids of its thematic areas and topics, its partners' sectors, and
    whether it has key figures. Called after every write to those rows (``practice_save``,
    the admin, a translation) and when an organisation changes (``organisation_changed``);
    the caller says what changed (``practice_changed``). ``text`` (the vector) and ``links``
    (the rest) say which of the two to refresh."""

    def values(model, column, base=BigIntegerField):
        rows = model.objects.filter(practice_id=OuterRef("pk")).order_by()
        agg = ArrayAgg(column, distinct=True, order_by=column)
        first = rows.values("practice_id").annotate(values=agg).values("values")
        return Coalesce(Subquery(first), Cast(Value("{}"), ArrayField(base())))

    translated = (
        PracticeTranslation.objects.filter(practice_id=OuterRef("pk"))
        .order_by()
        .values("practice_id")
        .annotate(document=JoinedDocuments("search_document"))
        .values("document")
    )
    columns = {}
    if text:
        columns["search_vector"] = textsearch.joined(
            textsearch.LanguageDocument(
                F("language"), (F("title"), "A"), (F("summary"), "B"), (F("body"), "C")
            ),
            Coalesce(Subquery(translated), Cast(Value(""), SearchVectorField())),
        )
    if links:
        columns |= {
            "area_ids": values(Practice.thematic_areas.through, "thematicarea_id"),
            "topic_ids": values(Practice.topics.through, "topic_id"),
            "partner_sectors": values(PracticePartner, "organisation__sector", TextField),
            "has_key_figures": Exists(KeyFigure.objects.filter(practice_id=OuterRef("pk"))),
        }
    if columns:
        practices.order_by().update(**columns)


def organisation_changed(*, organisation) -> None:
    """The practices an organisation is a partner of show its name and keep its sector for the
    counts: they are reindexed, their pages move on, and the public list if one of them is
    published."""
    rows = list(
        Practice.objects.filter(partners__organisation=organisation)
        .values_list("pk", "status")
        .distinct()
    )
    if not rows:
        return
    practices_reindex(Practice.objects.filter(pk__in=[pk for pk, _status in rows]))
    names = [practice_name(pk) for pk, _status in rows]
    if published := [pk for pk, status in rows if status == S.PUBLISHED]:
        names += [PUBLISHED, *lists_showing(published)]
    versions.bump(*names)


RESERVED_SLUGS = {"new", "mine", "preview", "areas"}


def practice_slug_new(title: str) -> str:
    base = slugify(title)[:190] or "practice"
    if base in RESERVED_SLUGS:
        base = f"{base}-practice"
    slug, n = base, 2
    while Practice.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def practice_snapshot(practice: Practice) -> dict:
    """Everything a reader sees of the practice, as plain data."""
    practice = (
        Practice.objects.select_related("city", "pairing__eu_lead", "pairing__partner_lead")
        .prefetch_related(
            "thematic_areas",
            "topics",
            "key_figures",
            "partners__organisation",
            "links",
            "attachments",
        )
        .get(pk=practice.pk)
    )
    return {
        "title": practice.title,
        "summary": practice.summary,
        "body": practice.body,
        "body_html": practice.body_html,
        "city": practice.city.name,
        "pairing": str(practice.pairing) if practice.pairing else "",
        "thematic_areas": [a.name for a in practice.thematic_areas.all()],
        "topics": [t.name for t in practice.topics.all()],
        "start_date": practice.start_date.isoformat() if practice.start_date else None,
        "end_date": practice.end_date.isoformat() if practice.end_date else None,
        "ongoing": practice.ongoing,
        "results": practice.results,
        "transferability": practice.transferability,
        "contact_name": practice.contact_name,
        "language": practice.language,
        "key_figures": [
            {"label": f.label, "value": str(f.value), "unit": f.unit, "year": f.year}
            for f in practice.key_figures.all()
        ],
        "partners": [
            {"organisation": p.organisation.name, "role": p.role} for p in practice.partners.all()
        ],
        "links": [{"title": link.title, "url": link.url} for link in practice.links.all()],
        "attachments": [str(a) for a in practice.attachments.all()],
    }


def _version_add(*, practice: Practice, by) -> PracticeVersion:
    last = practice.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return PracticeVersion.objects.create(
        practice=practice, number=last + 1, snapshot=practice_snapshot(practice), published_by=by
    )


# --- Saving -------------------------------------------------------------------------------------
# What a practice's search vector is made of, besides its translations.
INDEXED_TEXT = ("title", "summary", "body", "language")


@transaction.atomic
def practice_save(*, practice: Practice, by, m2m: dict | None = None, formsets=()) -> Practice:
    """Creates or updates a practice with its related rows, all or nothing. ``practice`` holds
    the new field values (unsaved); ``m2m`` maps many-to-many names to values; ``formsets``
    are valid inline formsets (key figures, partners, attachments, links)."""
    creating = practice.pk is None
    if creating:
        if by is not None:
            if not can(by, "add"):
                raise PermissionDenied(_("Only city delegates write practices."))
            practice.city_id = by.city_id
            practice.author = by
        practice.slug = practice.slug or practice_slug_new(practice.title)
    else:
        current = Practice.objects.select_for_update().get(pk=practice.pk)
        if not (by is None or can(by, "change", current)):
            raise PermissionDenied(_("You may not edit this practice."))
        practice.status = current.status
        if practice.language != current.language:
            translated = PracticeTranslation.objects.filter(
                practice=current, language=practice.language
            ).exists()
            if translated:
                raise ValidationError(
                    {
                        "language": _(
                            "This practice has a translation into %(language)s: "
                            "it cannot be written in it too."
                        )
                        % {"language": practice.get_language_display()}
                    }
                )
    listed_before = lists_showing([practice.pk]) if practice.status == S.PUBLISHED else ()
    practice.body_html = render_markdown(practice.body)
    # A reference the save leaves as it stands points at a row the database already holds
    # to: no query to know that it exists.
    kept = [
        name
        for name in ("city", "author", "pairing")
        if not creating and getattr(practice, f"{name}_id") == getattr(current, f"{name}_id")
    ]
    # So does an address the save leaves as it stands: it is unique already.
    if not creating and practice.slug == current.slug:
        kept.append("slug")
    practice.full_clean(exclude=kept)
    practice.save()
    if not creating and practice.status == S.PUBLISHED and "actions" in (m2m or {}):
        # The actions it no longer answers stop listing it.
        action_links_changed(actions=Action.objects.filter(practices=practice.pk))
    for name, value in (m2m or {}).items():
        getattr(practice, name).set(value)
    links_changed = creating or bool(m2m) or any(formset.has_changed() for formset in formsets)
    for formset in formsets:
        formset.instance = practice
        formset.save()
    # A save of the text alone leaves the areas, topics, partners and key figures the row
    # keeps as they are, and one of the rest its vector.
    text_changed = creating or any(
        getattr(practice, name) != getattr(current, name) for name in INDEXED_TEXT
    )
    practice_index(practice=practice, text=text_changed, links=links_changed)
    published = practice.status == S.PUBLISHED
    if not creating and published:
        _version_add(practice=practice, by=by)
    practice_changed(practice=practice, listed=published, listed_before=listed_before)
    return practice


# --- Files chosen on a form that did not save ---------------------------------------------------
# How long a file chosen on a failed submit is kept for its owner's next submit.
PENDING_UPLOAD_HOURS = 24


def pending_upload_keep(*, owner, upload, content_type: str) -> PendingUpload:
    """Keeps a file that passed the upload checks (``practices.uploads``) on a form that did
    not save, for ``owner``'s next submit, under a generated name."""
    pending = PendingUpload(
        owner=owner, original_name=upload.name[-255:], content_type=content_type, size=upload.size
    )
    upload.seek(0)
    pending.file.save(upload.name, upload, save=False)
    pending.save()
    return pending


def _delete_files_after_commit(names: list[str]) -> None:
    storage = PendingUpload._meta.get_field("file").storage

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def pending_uploads_used(*, owner, uploads) -> None:
    """Forgets the kept files that a save has copied into attachments (``owner``'s only)."""
    uploads = [upload for upload in uploads if upload.owner_id == owner.pk]
    if not uploads:
        return
    with transaction.atomic():
        for upload in uploads:
            upload.file.close()
        PendingUpload.objects.filter(pk__in=[upload.pk for upload in uploads]).delete()
        _delete_files_after_commit([upload.file.name for upload in uploads])


@transaction.atomic
def pending_uploads_expire(*, now=None) -> int:
    """Removes the files kept longer than ``PENDING_UPLOAD_HOURS``: their forms were left."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=PENDING_UPLOAD_HOURS)
    expired = PendingUpload.objects.filter(created_at__lt=cutoff).select_for_update()
    names = list(expired.values_list("file", flat=True))
    count, _deleted = expired.delete()
    _delete_files_after_commit(names)
    return count


# --- Lifecycle ----------------------------------------------------------------------------------
def _move(*, practice: Practice, to: str, by, comment: str = "") -> Practice:
    # The city comes with the locked row (not locked itself): the notices name it.
    practice = (
        Practice.objects.select_for_update(of=("self",)).select_related("city").get(pk=practice.pk)
    )
    if to not in TRANSITIONS[practice.status]:
        raise ValidationError(
            _("A practice that is “%(from)s” cannot become “%(to)s”.")
            % {"from": S(practice.status).label, "to": S(to).label}
        )
    PracticeStatusChange.objects.create(
        practice=practice, from_status=practice.status, to_status=to, changed_by=by, comment=comment
    )
    practice.status = to
    return practice


@transaction.atomic
def practice_submit(*, practice: Practice, by) -> Practice:
    if by is not None and not can(by, "submit", practice):
        raise PermissionDenied(_("You may not submit this practice."))
    practice = _move(practice=practice, to=S.SUBMITTED, by=by)
    practice.submitted_at = timezone.now()
    practice.save(update_fields=["status", "submitted_at", "updated_at"])
    practice_changed(practice=practice)
    return practice


@transaction.atomic
def practice_publish(*, practice: Practice, by) -> Practice:
    if by is not None and not can(by, "review", practice):
        raise PermissionDenied(_("You may not review this practice."))
    practice = _move(practice=practice, to=S.PUBLISHED, by=by)
    practice.published_at = timezone.now()
    practice.review_comment = ""
    practice.save(update_fields=["status", "published_at", "review_comment", "updated_at"])
    version = _version_add(practice=practice, by=by)
    _tell_city_about_review(practice, by, published=True)
    _tell_followers_about_publication(practice, version=version.number)
    practice_changed(practice=practice, listed=True)
    return practice


@transaction.atomic
def practice_return(*, practice: Practice, by, comment: str) -> Practice:
    if not can(by, "review", practice):
        raise PermissionDenied(_("You may not review this practice."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Tell the city what to change before it can be published.")}
        )
    practice = _move(practice=practice, to=S.RETURNED, by=by, comment=comment)
    practice.review_comment = comment
    practice.save(update_fields=["status", "review_comment", "updated_at"])
    _tell_city_about_review(practice, by, published=False)
    practice_changed(practice=practice)
    return practice


@transaction.atomic
def practice_archive(*, practice: Practice, by) -> Practice:
    if not can(by, "archive", practice):
        raise PermissionDenied(_("You may not archive this practice."))
    practice = _move(practice=practice, to=S.ARCHIVED, by=by)
    practice.save(update_fields=["status", "updated_at"])
    practice_changed(practice=practice, listed=True)
    return practice


# --- The exchange -------------------------------------------------------------------------------
@transaction.atomic
def practice_transfer_set(
    *, practice: Practice, by, status: str, story: str = "", city=None
) -> Transfer:
    """Records where the delegate's city stands with a practice (interested, adapting,
    adopted) and keeps the practice's adoption counter. Without ``by`` (seed data, the
    admin), ``city`` says which city."""
    if by is not None:
        if not can(by, "transfer", practice):
            raise PermissionDenied(_("Only delegates of another city can take this practice up."))
        city = by.city
    if city is None or city.pk == practice.city_id:
        raise ValidationError(_("A city takes up the practices of other cities."))
    if status not in Transfer.Status.values:
        raise ValidationError({"status": _("Choose interested, adapting or adopted.")})
    story = (story or "").strip()
    if status == Transfer.Status.ADOPTED and not story:
        raise ValidationError(
            {"story": _("Tell the other cities in a few words what you changed to adopt it.")}
        )
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    transfer = Transfer.objects.filter(practice=practice, city=city).first()
    if transfer and TRANSFER_ORDER.index(status) < TRANSFER_ORDER.index(transfer.status):
        raise ValidationError(
            {
                "status": _("Your city is already at “%(status)s”: a transfer only moves forward.")
                % {"status": transfer.get_status_display()}
            }
        )
    if transfer is None:
        transfer = Transfer(practice=practice, city=city)
    transfer.status = status
    transfer.story = story or transfer.story
    transfer.updated_by = by
    transfer.full_clean()
    transfer.save()
    adoptions = practice.transfers.filter(status=Transfer.Status.ADOPTED).count()
    counted = adoptions != practice.adoption_count
    if counted:
        practice.adoption_count = adoptions
        practice.save(update_fields=["adoption_count"])
    # A card shows the adoptions and the list sorts by them; the rest shows on the page and on
    # the city's.
    practice_changed(practice=practice, listed=counted and practice.status == S.PUBLISHED)
    versions.bump(taken_up(city.pk))
    return transfer


@transaction.atomic
def comment_create(*, practice: Practice, by, body: str, kind: str = Comment.Kind.QUESTION):
    """Adds a question or comment; the delegates of the practice's city are told (on the site,
    and by e-mail as each of them chose) in the background once it is committed."""
    if not can(by, "comment", practice):
        raise PermissionDenied(_("Log in to ask a question."))
    comment = Comment(practice=practice, author=by, body=(body or "").strip(), kind=kind)
    # The practice and the author are rows just read: no query to know that they exist.
    comment.full_clean(exclude=["practice", "author"])
    comment.save()
    title = _("%(kind)s on “%(title)s” from %(author)s") % {
        "kind": comment.get_kind_display(),
        "title": practice.title,
        "author": by,
    }
    notify_people_later(
        kind=Kind.PRACTICE_QUESTION,
        target=comment,
        recipients=_city_delegates(practice).exclude(pk=by.pk),
        title=title,
        body=comment.body,
        url=practice.get_absolute_url(),
    )
    questions_changed(practice_ids=[practice.pk])
    return comment


def _city_delegates(practice: Practice):
    from worldcities.users.models import Role, User

    return User.objects.filter(role=Role.DELEGATE, is_active=True, city_id=practice.city_id)


def _tell_city_about_review(practice: Practice, by, *, published: bool) -> None:
    """The practice's delegates hear that it is published, or returned with the comment."""
    occasion = f"{practice.status}:{practice.status_changes.count()}"
    if published:
        title = _("“%(title)s” is published") % {"title": practice.title}
        body = ""
    else:
        title = _("“%(title)s” is returned for changes") % {"title": practice.title}
        body = practice.review_comment
    notify_people_later(
        kind=Kind.PRACTICE_RETURNED,
        target=practice,
        recipients=_city_delegates(practice).exclude(pk=getattr(by, "pk", None)),
        title=title,
        body=body,
        url=practice.get_absolute_url(),
        occasion=occasion,
    )


def _tell_followers_about_publication(practice: Practice, *, version: int) -> None:
    """Followers of the practice hear of each new published version (``version``, its
    number); followers of its thematic areas hear of its first publication."""
    from worldcities.users.models import User

    # The followers' ids, found through indexes and united: asked as one condition through
    # joins, the areas' followers were found by joining every practice's areas (35 ms per
    # publication at scale 1).
    followers = Follow.objects.filter(practice=practice.pk).values("user_id")
    if version == 1:
        areas = Practice.thematic_areas.through.objects.filter(practice_id=practice.pk)
        area_follows = Follow.objects.filter(thematic_area__in=areas.values("thematicarea_id"))
        followers = followers.union(area_follows.values("user_id"))
    notify_people_later(
        kind=Kind.PRACTICE_PUBLISHED,
        target=practice,
        recipients=User.objects.filter(pk__in=followers, is_active=True),
        title=_("Published: “%(title)s” (%(city)s)")
        % {"title": practice.title, "city": practice.city},
        body=practice.summary,
        url=practice.get_absolute_url(),
        occasion=f"version:{version}",
    )


def moderation_digest_send() -> int:
    """Tells each coordinator how many practices of their editions wait for review (once a
    day at most: the day is the notification's occasion)."""
    from worldcities.users.models import Role, User

    from .permissions import coordinated_q

    today = timezone.localdate().isoformat()
    told = 0
    for coordinator in User.objects.filter(role=Role.COORDINATOR, is_active=True):
        waiting = Practice.objects.filter(status=S.SUBMITTED).filter(coordinated_q(coordinator))
        count = waiting.count()
        if not count:
            continue
        oldest = waiting.order_by("submitted_at").first()
        with transaction.atomic():
            notify(
                recipient=coordinator,
                kind=Kind.PRACTICE_REVIEW,
                target=coordinator,
                title=ngettext(
                    "%(count)d practice waits for your review",
                    "%(count)d practices wait for your review",
                    count,
                )
                % {"count": count},
                body=_("The oldest, “%(title)s”, was submitted on %(date)s.")
                % {
                    "title": oldest.title,
                    "date": oldest.submitted_at.date() if oldest.submitted_at else "—",
                },
                url=reverse("practices:workspace"),
                occasion=today,
            )
        told += 1
    return told


@transaction.atomic
def follow_toggle(*, user, practice: Practice | None = None, thematic_area=None) -> bool:
    """Follows, or stops following, a practice or a thematic area. Returns whether the user
    follows it now."""
    if practice is not None and not can(user, "follow", practice):
        raise PermissionDenied(_("Log in to follow a practice."))
    if thematic_area is not None and not can(user, "follow_area"):
        raise PermissionDenied(_("Log in to follow a thematic area."))
    lookup = {"user": user, "practice": practice, "thematic_area": thematic_area}
    deleted, _rows = Follow.objects.filter(**lookup).delete()
    if deleted:
        return False
    Follow.objects.create(**lookup)
    return True


# --- Translations -------------------------------------------------------------------------------
def practice_translation_language_check(*, practice: Practice, language: str) -> None:
    """Refuses a translation into a language the platform does not offer, into the practice's
    own language, or into one it has a translation into already."""
    offered = dict(settings.LANGUAGES)
    if language not in offered:
        raise ValidationError(
            {
                "language": _(
                    "The platform does not offer “%(language)s”: choose one of %(offered)s."
                )
                % {
                    "language": language,
                    "offered": ", ".join(str(name) for name in offered.values()),
                }
            }
        )
    if language == practice.language:
        raise ValidationError(
            {
                "language": _(
                    "This practice is written in %(language)s: "
                    "a translation is into another language."
                )
                % {"language": offered[language]}
            }
        )
    if PracticeTranslation.objects.filter(practice=practice, language=language).exists():
        raise ValidationError(
            {
                "language": _(
                    "This practice already has a translation into %(language)s: edit that one."
                )
                % {"language": offered[language]}
            }
        )


def _translation_store(
    *, practice: Practice, translation: PracticeTranslation, by, title, summary, body, machine
) -> PracticeTranslation:
    translation.title, translation.summary, translation.body = title, summary, body
    translation.body_html = render_markdown(body)
    translation.machine = machine
    translation.written_by = by
    # What was checked is no longer what is shown: it waits for a new check.
    translation.checked_by, translation.checked_at = None, None
    translation.full_clean(exclude=["practice"])
    listed = practice.status == S.PUBLISHED
    # The words it no longer holds: the searches for them move on too.
    listed_before = lists_showing([practice.pk]) if listed else ()
    translation.save()
    practice_index(practice=practice)
    practice_changed(practice=practice, listed=listed, listed_before=listed_before)
    return translation


@transaction.atomic
def practice_translation_save(
    *,
    practice: Practice,
    by,
    title: str,
    summary: str,
    body: str,
    language: str | None = None,
    translation: PracticeTranslation | None = None,
) -> PracticeTranslation:
    """Adds a translation of ``practice`` into ``language``, or changes ``translation`` (``by``
    None: the seed, past the rules): the practice's search vector takes it in, its page and
    (when published) the list move on, and the translation waits for a coordinator's check
    again."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if by is not None and not (
        can(by, "translate", practice) or can(by, "manage_translations", practice)
    ):
        raise PermissionDenied(_("Only delegates of the practice's city translate it."))
    if translation is None:
        practice_translation_language_check(practice=practice, language=language)
        translation = PracticeTranslation(practice=practice, language=language)
    elif translation.practice_id != practice.pk:
        raise PermissionDenied
    return _translation_store(
        practice=practice,
        translation=translation,
        by=by,
        title=title,
        summary=summary,
        body=body,
        machine=False,
    )


@transaction.atomic
def practice_translation_check(*, translation: PracticeTranslation, by) -> PracticeTranslation:
    """Marks a translation as checked by ``by`` (a coordinator of the practice's edition or
    programme staff)."""
    translation = (
        PracticeTranslation.objects.select_for_update()
        .select_related("practice")
        .get(pk=translation.pk)
    )
    if not can(by, "check_translation", translation.practice):
        raise PermissionDenied(_("Only the edition's coordinators check translations."))
    translation.checked_by, translation.checked_at = by, timezone.now()
    translation.save(update_fields=["checked_by", "checked_at", "updated_at"])
    practice = translation.practice
    practice_changed(practice=practice, listed=practice.status == S.PUBLISHED)
    return translation


@transaction.atomic
def practice_translation_delete(*, translation: PracticeTranslation, by) -> None:
    """Removes a translation (programme staff): the practice's search vector lets go of its
    words, and its page and (when published) the lists move on."""
    practice = Practice.objects.select_for_update().get(pk=translation.practice_id)
    if not can(by, "manage_translations", practice):
        raise PermissionDenied(_("Only programme staff delete translations."))
    listed = practice.status == S.PUBLISHED
    listed_before = lists_showing([practice.pk]) if listed else ()
    PracticeTranslation.objects.filter(pk=translation.pk).delete()
    practice_index(practice=practice)
    practice_changed(practice=practice, listed=listed, listed_before=listed_before)


@transaction.atomic
def practice_translation_draft_request(*, practice: Practice, language: str, by) -> None:
    """Asks machine translation for a draft of ``practice`` in ``language``, made in the
    background (``tasks.draft_practice_translation``) once this transaction commits and stored
    as an unchecked translation. Refused when machine translation is not configured."""
    from .tasks import draft_practice_translation

    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if not can(by, "translate", practice):
        raise PermissionDenied(_("Only delegates of the practice's city translate it."))
    if not machine_translation.enabled():
        raise ValidationError(_("Machine translation is not set up on this platform."))
    practice_translation_language_check(practice=practice, language=language)
    transaction.on_commit(lambda: draft_practice_translation.delay(practice.pk, language, by.pk))


def practice_translation_draft_make(*, practice_id: int, language: str, by_id: int | None) -> bool:
    """Drafts the translation the task was asked for, unless the practice has one into that
    language by now (a second run, or a person who wrote it meanwhile): safe to repeat.
    Returns whether it stored one: a provider that answers later (eTranslation) hands the
    texts to ``practice_translation_draft_store`` when they arrive. The texts are sent before
    the row is locked, so that a slow answer holds no lock."""
    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None or practice.translations.filter(language=language).exists():
        return False
    texts = machine_translation.draft(
        [practice.title, practice.summary, practice.body],
        source=practice.language,
        target=language,
        kind=MACHINE_KIND,
        object_id=practice_id,
        by_id=by_id,
    )
    if texts is None:
        return False
    return practice_translation_draft_store(
        object_id=practice_id, language=language, texts=texts, by_id=by_id
    )


MACHINE_KIND = "practice"


@transaction.atomic
def practice_translation_draft_store(
    *, object_id: int, language: str, texts: list[str], by_id: int | None
) -> bool:
    """Stores machine-translated ``texts`` (title, summary, text) of a practice as its
    unchecked translation into ``language``, unless the practice is gone or has one by now."""
    practice = Practice.objects.select_for_update().filter(pk=object_id).first()
    if practice is None or practice.translations.filter(language=language).exists():
        return False
    title, summary, body = texts
    _translation_store(
        practice=practice,
        translation=PracticeTranslation(practice=practice, language=language),
        by=get_user_model().objects.filter(pk=by_id).first() if by_id else None,
        title=title[:200],
        summary=summary[:600],
        body=body,
        machine=True,
    )
    return True


# --- Practices attached to an application to a call -----------------------------------------------
@transaction.atomic
def application_practices_set(*, application, practices, by) -> list[ApplicationPractice]:
    """Attaches to the city's application exactly ``practices``: published practices of that
    city, as experience it brings. Only while the application may be changed (a draft of an
    open call, by a delegate of its city)."""
    application = application_lock_for_change(application=application, by=by)
    chosen = list(practices)
    foreign = [
        p.title
        for p in chosen
        if p.city_id != application.city_id or p.status != Practice.Status.PUBLISHED
    ]
    if foreign:
        raise ValidationError(
            _("Only published practices of %(city)s can be attached (not: %(titles)s).")
            % {"city": application.city, "titles": ", ".join(foreign)}
        )
    wanted = {p.pk for p in chosen}
    ApplicationPractice.objects.filter(application=application).exclude(
        practice_id__in=wanted
    ).delete()
    have = set(
        ApplicationPractice.objects.filter(application=application).values_list(
            "practice_id", flat=True
        )
    )
    ApplicationPractice.objects.bulk_create(
        [ApplicationPractice(application=application, practice_id=pk) for pk in wanted - have]
    )
    return list(
        ApplicationPractice.objects.filter(application=application).select_related("practice")
    )
