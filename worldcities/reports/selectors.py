from twinning.models import Edition
from worldcities.users.permissions import is_programme_staff

from .models import Report


def reportable_editions(user):
    """The editions a user may ask reports on."""
    if is_programme_staff(user):
        return Edition.objects.all()
    return Edition.objects.filter(coordinators=user)


def reports_visible_to(user):
    reports = Report.objects.select_related("requested_by")
    return reports if is_programme_staff(user) else reports.filter(requested_by=user)
