"""Who may ask for a report and download it: programme staff for every edition, coordinators
for the editions they coordinate; a report file only for whoever asked for it (and staff)."""

import rules

from worldcities.users.permissions import is_coordinator, is_programme_staff


@rules.predicate
def coordinates_edition(user, edition) -> bool:
    return bool(edition is not None and edition.coordinators.filter(pk=user.pk).exists())


@rules.predicate
def requested_report(user, report) -> bool:
    return report is not None and report.requested_by_id == user.pk


can_request_report = is_programme_staff | (is_coordinator & coordinates_edition)
can_view_report = is_programme_staff | requested_report

rules.add_perm("reports.request_report", can_request_report)
rules.add_perm("reports.view_report", can_view_report)
