"""Writes of the directory of people (messages through the contact form) and of the
triple-helix opportunities (posting, matching, answering, confirming that a match is taken
up). Each checks who may do it again, whatever the page showed."""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from worldcities.notifications.models import Kind
from worldcities.notifications.services import Notice, notify, notify_each
from worldcities.users.models import User

from . import permissions
from .models import ContactMessage, Opportunity, OpportunityResponse, Organisation
from .selectors import opportunities_to_match, opportunity_audiences

logger = logging.getLogger(__name__)

MATCH_BATCH = 1000


# --- The contact form ---------------------------------------------------------------------------
@transaction.atomic
def contact_send(
    *, sender: User, recipient: User, subject: str, body: str, share_email: bool = False
) -> ContactMessage:
    """Sends ``recipient`` a message through the platform: they get it as a notification, by
    the delivery they chose. The sender's address goes with it only if ``share_email``."""
    if recipient.pk == sender.pk:
        raise ValidationError(_("You cannot send a message to yourself."))
    if not permissions.can_contact(sender, recipient):
        raise ValidationError(_("This person is not in the directory: they cannot be contacted."))
    # One sender's messages are counted one at a time (their row is locked), so that two
    # messages sent at once cannot both slip under the limit.
    User.objects.select_for_update().filter(pk=sender.pk).first()
    limit = settings.DIRECTORY_CONTACT_PER_HOUR
    recent = ContactMessage.objects.filter(
        sender=sender, created_at__gte=timezone.now() - datetime.timedelta(hours=1)
    ).count()
    if recent >= limit:
        raise ValidationError(
            _("You sent %(count)d messages in the last hour; please wait before sending more.")
            % {"count": recent}
        )
    message = ContactMessage(
        sender=sender,
        recipient=recipient,
        subject=(subject or "").strip(),
        body=(body or "").strip(),
        share_email=share_email,
    )
    message.full_clean()
    message.save()
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        title = _("%(sender)s wrote to you: %(subject)s") % {
            "sender": sender,
            "subject": message.subject,
        }
        text = message.body
        if share_email:
            text += "\n\n" + _("Reply to %(name)s at %(email)s.") % {
                "name": sender,
                "email": sender.email,
            }
        else:
            text += "\n\n" + _(
                "%(name)s did not share their e-mail address: reply from their entry in the "
                "directory."
            ) % {"name": sender}
    url = reverse("cities:person", kwargs={"pk": sender.pk}) if sender.in_directory else ""
    notify(
        recipient=recipient,
        kind=Kind.DIRECT_MESSAGE,
        target=message,
        title=title[:300],
        body=text,
        url=url,
    )
    return message


# --- Opportunities ----------------------------------------------------------------------------
@transaction.atomic
def opportunity_post(
    *,
    by: User,
    organisation: Organisation,
    direction: str,
    kind: str,
    title: str,
    description: str,
    areas,
    valid_from: datetime.date,
    valid_until: datetime.date,
) -> Opportunity:
    """Publishes an offer or a need of ``organisation``. The people whose interests match are
    told in the background (``opportunities_match``), once."""
    if not permissions.can_post_for(by, organisation):
        raise ValidationError(
            _("You may post opportunities only for the organisations of your own city.")
        )
    areas = list(areas or [])
    if not areas:
        raise ValidationError({"areas": _("Choose at least one thematic area.")})
    if valid_until and valid_until < timezone.localdate():
        raise ValidationError(
            {"valid_until": _("The validity period is already over: choose a later end.")}
        )
    opportunity = Opportunity(
        organisation=organisation,
        city_id=organisation.city_id,
        direction=direction,
        kind=kind,
        title=(title or "").strip(),
        description=(description or "").strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        posted_by=by,
    )
    opportunity.full_clean()
    opportunity.save()
    opportunity.areas.set(areas)
    transaction.on_commit(lambda: _match_enqueue(opportunity.pk))
    return opportunity


def _match_enqueue(opportunity_id: int) -> None:
    """Hands the new opportunity's matching to a worker. If the broker is away, the post still
    succeeds: the periodic matching (``opportunities_match``) picks it up."""
    from .tasks import match_new_opportunity

    try:
        match_new_opportunity.delay(opportunity_id)
    except Exception as exc:  # the broker's client raises many kinds of connection error
        logger.warning("could not enqueue matching of opportunity %s (%s)", opportunity_id, exc)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _match_texts(language: str) -> dict[str, str]:
    """The texts of a match's notice in ``language``: the line of a need and of an offer, and
    the title of a notice of several."""
    with translation.override(language):
        return {
            Opportunity.Direction.NEED: _("%(organisation)s (%(city)s) needs: %(title)s"),
            Opportunity.Direction.OFFER: _("%(organisation)s (%(city)s) offers: %(title)s"),
            "several": _("%(count)d new opportunities match your interests"),
            "more": _("… and %(count)d more."),
        }


# A notice of several opportunities names this many; the list shows them all.
NOTICE_LINES = 10


def _match_notice(person, found: list[dict], texts: dict, base_url: str) -> Notice:
    """One person's notice of the opportunities of a batch that match them: the one, with its
    description and its page; or several, a line each, and the list."""
    lines = [
        texts[o["direction"]]
        % {"organisation": o["organisation_name"], "city": o["city_name"], "title": o["title"]}
        for o in found
    ]
    if len(found) == 1:
        return Notice(
            recipient=person,
            title=lines[0][:300],
            body=_shortened(found[0]["description"], 400),
            url=f"{base_url}{found[0]['pk']}/",
        )
    body = "\n".join(f"- {line}" for line in lines[:NOTICE_LINES])
    if len(found) > NOTICE_LINES:
        body += "\n" + texts["more"] % {"count": len(found) - NOTICE_LINES}
    return Notice(
        recipient=person,
        title=texts["several"] % {"count": len(found)},
        body=body,
        url=base_url,
    )


def opportunities_match(*, ids=None, batch: int | None = None) -> int:
    """Tells the people whose interests match of up to ``batch`` published opportunities not
    matched yet (of ``ids`` only, if given), oldest first, in one transaction, and marks them
    matched: an opportunity is matched once, and rows another worker holds are skipped. Each
    person gets one notice for the batch, in their language, naming the opportunities that
    match them (notified of the oldest, so that running a batch again tells nobody twice).
    Returns how many opportunities were matched."""
    batch = batch or MATCH_BATCH
    with transaction.atomic():
        pending = Opportunity.objects.filter(matched_at__isnull=True)
        if ids is not None:
            pending = pending.filter(pk__in=ids)
        locked = list(
            pending.select_for_update(skip_locked=True, of=("self",))
            .order_by("published_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not locked:
            return 0
        today = timezone.localdate()
        live = [o for o in opportunities_to_match(locked) if o["valid_until"] >= today]
        audiences = opportunity_audiences(live)
        found, people = defaultdict(list), {}
        for opportunity in live:  # oldest first
            for person in audiences[opportunity["pk"]]:
                found[person.pk].append(opportunity)
                people[person.pk] = person
        texts = {}
        # The detail page of an opportunity is its id under the list's address.
        base_url = reverse("cities:opportunities")
        occasions = defaultdict(list)
        for pk, person in people.items():
            language = person.language or settings.LANGUAGE_CODE
            if language not in texts:
                texts[language] = _match_texts(language)
            notice = _match_notice(person, found[pk], texts[language], base_url)
            occasions[found[pk][0]["pk"]].append(notice)
        notify_each(
            kind=Kind.OPPORTUNITY_MATCH,
            occasions=[
                (Opportunity(pk=pk), "published", notices) for pk, notices in occasions.items()
            ],
        )
        Opportunity.objects.filter(pk__in=locked).update(matched_at=timezone.now())
    return len(locked)


@transaction.atomic
def opportunity_answer(*, opportunity: Opportunity, by: User, message: str) -> OpportunityResponse:
    """Records that ``by`` answers ``opportunity`` and tells its poster. An expired
    opportunity cannot be answered."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_answer(by, opportunity):
        raise ValidationError(_("You cannot answer an opportunity of your own organisation."))
    if opportunity.is_expired():
        raise ValidationError(
            _("This opportunity expired on %(date)s: it can no longer be answered.")
            % {"date": date_format(opportunity.valid_until)}
        )
    response = OpportunityResponse(
        opportunity=opportunity,
        responder=by,
        organisation_id=by.organisation_id,
        message=(message or "").strip(),
    )
    response.full_clean()
    response.save()
    poster = opportunity.posted_by
    with translation.override(poster.language or settings.LANGUAGE_CODE):
        title = _("%(name)s answered your opportunity “%(title)s”") % {
            "name": by,
            "title": opportunity.title,
        }
        body = (
            response.message
            + "\n\n"
            + _("Once you are in touch, confirm it on the opportunity's page.")
        )
    notify(
        recipient=poster,
        kind=Kind.OPPORTUNITY_ANSWER,
        target=response,
        occasion="answered",
        title=title[:300],
        body=body,
        url=opportunity.get_absolute_url(),
    )
    return response


@transaction.atomic
def opportunity_response_confirm(*, response: OpportunityResponse, by: User) -> OpportunityResponse:
    """The poster confirms "we are in touch": the match is recorded as taken up, and the
    person who answered is told."""
    response = (
        OpportunityResponse.objects.select_for_update()
        .select_related("opportunity", "responder")
        .get(pk=response.pk)
    )
    opportunity = response.opportunity
    if not permissions.can_confirm(by, opportunity):
        raise ValidationError(_("Only the person who posted this opportunity can confirm it."))
    if response.is_confirmed:
        raise ValidationError(_("You already confirmed that you are in touch."))
    response.confirmed_at = timezone.now()
    response.confirmed_by = by
    response.save(update_fields=["confirmed_at", "confirmed_by"])
    responder = response.responder
    with translation.override(responder.language or settings.LANGUAGE_CODE):
        title = _("%(name)s confirmed that you are in touch about “%(title)s”") % {
            "name": by,
            "title": opportunity.title,
        }
    notify(
        recipient=responder,
        kind=Kind.OPPORTUNITY_ANSWER,
        target=response,
        occasion="confirmed",
        title=title[:300],
        url=opportunity.get_absolute_url(),
    )
    return response
