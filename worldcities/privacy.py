"""What the platform holds about one person, gathered from every app: for them to download,
and to erase (the privacy notice, ``templates/privacy.html``, says what each part is for)."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from cities.models import ContactMessage, Opportunity, OpportunityResponse
from meetings.models import AgendaSignup, CalendarFeedToken, Evaluation, Registration
from practices.models import Comment, Follow, PendingUpload, Practice
from twinning.models import ActionProgressUpdate, Outcome
from worldcities.notifications.models import EmailMessage, Notification, NotificationPreference
from worldcities.users.models import ApiToken, User
from worldcities.users.services import people_changed


def _stamp(value):
    return value.isoformat() if value else None


def personal_data(user) -> dict:
    """Everything kept about ``user``, as JSON-ready values: one query per kind of row,
    however many rows there are."""
    return {
        "exported_at": _stamp(timezone.now()),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "role": user.role,
            "city": user.city.name if user.city_id else None,
            "organisation": user.organisation.name if user.organisation_id else None,
            "language": user.language,
            "time_zone": user.time_zone,
            "listed_in_directory": user.in_directory,
            "email_shown_in_directory": user.show_email,
            "languages_spoken": list(user.spoken_languages),
            "thematic_interests": list(
                user.interests.order_by("name").values_list("name", flat=True)
            ),
            "date_joined": _stamp(user.date_joined),
            "last_login": _stamp(user.last_login),
        },
        "api_tokens": [
            {
                "name": name,
                "starts_with": prefix,
                "created": _stamp(created),
                "expires": _stamp(expires),
                "last_used": _stamp(used),
                "revoked": _stamp(revoked),
            }
            for name, prefix, created, expires, used, revoked in ApiToken.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values_list("name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
        ],
        "notification_preferences": [
            {"kind": kind, "delivery": delivery}
            for kind, delivery in NotificationPreference.objects.filter(user=user)
            .order_by("kind")
            .values_list("kind", "delivery")
        ],
        "notifications": [
            {"title": title, "text": body, "link": url, "at": _stamp(at), "read": _stamp(read)}
            for title, body, url, at, read in Notification.objects.filter(recipient=user)
            .order_by("created_at", "pk")
            .values_list("title", "body", "url", "created_at", "read_at")
        ],
        "practices_written": [
            {"title": title, "address": f"/practices/{slug}/", "status": status}
            for title, slug, status in Practice.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values_list("title", "slug", "status")
        ],
        "questions_and_comments": [
            {"practice": title, "kind": kind, "text": body, "at": _stamp(at)}
            for title, kind, body, at in Comment.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values_list("practice__title", "kind", "body", "created_at")
        ],
        "follows": [
            {"practice": practice, "thematic_area": area, "since": _stamp(at)}
            for practice, area, at in Follow.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values_list("practice__title", "thematic_area__name", "created_at")
        ],
        "registrations": [
            {
                "meeting": meeting,
                "status": status,
                "attended": attended,
                "arrival": _stamp(arrival),
                "departure": _stamp(departure),
                "dietary_needs": dietary,
                "needs_visa_letter": visa,
            }
            for meeting, status, attended, arrival, departure, dietary, visa in (
                Registration.objects.filter(person=user)
                .order_by("created_at", "pk")
                .values_list(
                    "meeting__title",
                    "status",
                    "attended",
                    "arrival_at",
                    "departure_at",
                    "dietary_needs",
                    "needs_visa_letter",
                )
            )
        ],
        "site_visits_signed_up_for": [
            {"meeting": meeting, "item": item}
            for meeting, item in AgendaSignup.objects.filter(person=user)
            .order_by("created_at", "pk")
            .values_list("item__meeting__title", "item__title")
        ],
        "evaluations": [
            {"meeting": meeting, "overall": overall, "comments": comments}
            for meeting, overall, comments in Evaluation.objects.filter(person=user)
            .order_by("created_at", "pk")
            .values_list("meeting__title", "overall", "comments")
        ],
        "messages_sent": [
            {"to": str(to), "subject": subject, "text": body, "at": _stamp(at)}
            for to, subject, body, at in ContactMessage.objects.filter(sender=user)
            .order_by("created_at", "pk")
            .values_list("recipient__full_name", "subject", "body", "created_at")
        ],
        "messages_received": [
            {"from": str(sender), "subject": subject, "text": body, "at": _stamp(at)}
            for sender, subject, body, at in ContactMessage.objects.filter(recipient=user)
            .order_by("created_at", "pk")
            .values_list("sender__full_name", "subject", "body", "created_at")
        ],
        "opportunities_posted": [
            {"title": title, "address": f"/opportunities/{pk}/", "at": _stamp(at)}
            for title, pk, at in Opportunity.objects.filter(posted_by=user)
            .order_by("published_at", "pk")
            .values_list("title", "pk", "published_at")
        ],
        "opportunities_answered": [
            {"opportunity": title, "text": message, "at": _stamp(at), "in_touch": _stamp(ok)}
            for title, message, at, ok in OpportunityResponse.objects.filter(responder=user)
            .order_by("created_at", "pk")
            .values_list("opportunity__title", "message", "created_at", "confirmed_at")
        ],
        "progress_notes": [
            {"action": action, "status": status, "progress": progress, "note": note}
            for action, status, progress, note in ActionProgressUpdate.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values_list("action__title", "status", "progress", "note")
        ],
        "outcomes_recorded": [
            {"outcome": title, "address": f"/pairings/{slug}/outcomes/", "recorded": _stamp(at)}
            for title, slug, at in Outcome.objects.filter(recorded_by=user)
            .order_by("recorded_at", "pk")
            .values_list("title", "pairing__slug", "recorded_at")
        ],
        "outcomes_checked": [
            {"outcome": title, "address": f"/pairings/{slug}/outcomes/", "checked": _stamp(at)}
            for title, slug, at in Outcome.objects.filter(checked_by=user)
            .order_by("checked_at", "pk")
            .values_list("title", "pairing__slug", "checked_at")
        ],
    }


ERASED_DOMAIN = "erased.invalid"


def is_erased(user) -> bool:
    return user.email.endswith(f"@{ERASED_DOMAIN}")


@transaction.atomic
def account_erase(*, user) -> bool:
    """Erases a person as the programme can: what they published stays, as its record, under
    their role instead of their name; everything that is theirs alone goes (their name and
    address, travel details, follows, notifications, settings, calendar address, kept files,
    e-mails not yet sent, API tokens, their entry in the directory and the messages sent
    through it), and the account can no longer log in. Returns False
    when it was erased already (asking twice erases once)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_erased(user):
        return False
    user.full_name = ""
    user.email = f"account-{user.pk}@{ERASED_DOMAIN}"
    user.is_active = False
    user.language = "en"
    user.time_zone = ""
    user.in_directory = False
    user.show_email = False
    user.spoken_languages = []
    user.set_unusable_password()
    user.save()
    user.interests.clear()
    # The audit keeps that the account existed and its roles, not who it was.
    User.history.filter(id=user.pk).update(full_name="", email=user.email)
    EmailAddress.objects.filter(user=user).delete()
    Registration.objects.filter(person=user).update(
        dietary_needs="", needs_visa_letter=False, arrival_at=None, departure_at=None
    )
    for rows in (
        Follow.objects.filter(user=user),
        Notification.objects.filter(recipient=user),
        NotificationPreference.objects.filter(user=user),
        EmailMessage.objects.filter(recipient=user, sent_at__isnull=True),
        CalendarFeedToken.objects.filter(user=user),
        ApiToken.objects.filter(user=user),
        PendingUpload.objects.filter(owner=user),
        ContactMessage.objects.filter(sender=user),
        ContactMessage.objects.filter(recipient=user),
    ):
        rows.delete()
    # Their tokens' records stay in the audit (made, revoked, deleted), without the names they
    # gave them.
    ApiToken.history.filter(user_id=user.pk).update(name="")
    people_changed()  # pages that showed their name
    return True
