"""Every write to practices: saving with its figures, partners, files and links in one
transaction; the review lifecycle with a snapshot of each published version; transfers with
the adoption counter; questions, comments and follows."""

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from twinning.models import Pairing, PairingMember

from .models import (
    SEARCH_CONFIG,
    Comment,
    Follow,
    Practice,
    PracticeStatusChange,
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


# --- Derived data -------------------------------------------------------------------------------
def practice_side(practice: Practice) -> str:
    """The side of the practice's city: from its pairing, else from any pairing the city is
    in, else from its country's EU membership today."""
    city_id = practice.city_id
    pairings = Pairing.objects.filter(pk=practice.pairing_id) if practice.pairing_id else None
    if pairings is None:
        pairings = Pairing.objects.all()
    if (
        pairings.filter(eu_lead_id=city_id).exists()
        or PairingMember.objects.filter(
            pairing__in=pairings, city_id=city_id, side=PairingMember.Side.EU
        ).exists()
    ):
        return Practice.Side.EU
    if (
        pairings.filter(partner_lead_id=city_id).exists()
        or PairingMember.objects.filter(
            pairing__in=pairings, city_id=city_id, side=PairingMember.Side.PARTNER
        ).exists()
    ):
        return Practice.Side.PARTNER
    return Practice.Side.EU if practice.city.country.is_eu_member else Practice.Side.PARTNER


def practice_index(*, practice: Practice) -> None:
    """Refreshes the stored, weighted search vector (title A, summary B, body C)."""
    if connection.vendor != "postgresql":
        return
    Practice.objects.filter(pk=practice.pk).update(
        search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


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
        Practice.objects.select_related("city", "pairing")
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
    practice.body_html = render_markdown(practice.body)
    practice.side = practice_side(practice)
    practice.full_clean()
    practice.save()
    for name, value in (m2m or {}).items():
        getattr(practice, name).set(value)
    for formset in formsets:
        formset.instance = practice
        formset.save()
    practice_index(practice=practice)
    if not creating and practice.status == S.PUBLISHED:
        _version_add(practice=practice, by=by)
    return practice


# --- Lifecycle ----------------------------------------------------------------------------------
def _move(*, practice: Practice, to: str, by, comment: str = "") -> Practice:
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
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
    return practice


@transaction.atomic
def practice_publish(*, practice: Practice, by) -> Practice:
    if by is not None and not can(by, "review", practice):
        raise PermissionDenied(_("You may not review this practice."))
    practice = _move(practice=practice, to=S.PUBLISHED, by=by)
    practice.published_at = timezone.now()
    practice.review_comment = ""
    practice.save(update_fields=["status", "published_at", "review_comment", "updated_at"])
    _version_add(practice=practice, by=by)
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
    return practice


@transaction.atomic
def practice_archive(*, practice: Practice, by) -> Practice:
    if not can(by, "archive", practice):
        raise PermissionDenied(_("You may not archive this practice."))
    practice = _move(practice=practice, to=S.ARCHIVED, by=by)
    practice.save(update_fields=["status", "updated_at"])
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
    practice.adoption_count = practice.transfers.filter(status=Transfer.Status.ADOPTED).count()
    practice.save(update_fields=["adoption_count"])
    return transfer


@transaction.atomic
def comment_create(*, practice: Practice, by, body: str, kind: str = Comment.Kind.QUESTION):
    """Adds a question or comment; the delegates of the practice's city hear of it by e-mail
    once the transaction commits."""
    if not can(by, "comment", practice):
        raise PermissionDenied(_("Log in to ask a question."))
    comment = Comment(practice=practice, author=by, body=(body or "").strip(), kind=kind)
    comment.full_clean()
    comment.save()
    from .tasks import notify_city_of_comment

    transaction.on_commit(lambda: notify_city_of_comment.delay(comment.pk))
    return comment


def comment_notify_city(*, comment_id: int) -> int:
    """E-mails the delegates of the practice's city about a question or comment, once: the
    comment row is locked and marked. Returns how many people were written to."""
    from django.conf import settings
    from django.core.mail import send_mail

    from worldcities.users.models import Role, User

    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .select_related("practice", "author")
            .filter(pk=comment_id, notified_at__isnull=True)
            .first()
        )
        if comment is None:
            return 0
        practice = comment.practice
        recipients = list(
            User.objects.filter(role=Role.DELEGATE, is_active=True, city_id=practice.city_id)
            .exclude(pk=comment.author_id)
            .values_list("email", flat=True)
        )
        if recipients:
            url = settings.SITE_URL.rstrip("/") + practice.get_absolute_url()
            subject = _("%(kind)s on “%(title)s”") % {
                "kind": comment.get_kind_display(),
                "title": practice.title,
            }
            body = _(
                "%(author)s wrote on your city's practice “%(title)s”:\n\n%(text)s\n\n"
                "Answer on the platform: %(url)s\n"
            ) % {
                "author": comment.author,
                "title": practice.title,
                "text": comment.body,
                "url": url,
            }
            send_mail(subject, body, None, recipients)
        comment.notified_at = timezone.now()
        comment.save(update_fields=["notified_at"])
        return len(recipients)


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
