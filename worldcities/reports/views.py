from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from worldcities.downloads import file_download
from worldcities.users.permissions import is_coordinator, is_programme_staff

from .forms import ReportRequestForm
from .models import Report
from .selectors import reportable_editions, reports_visible_to
from .services import report_request, report_still_allowed


def _may_use_reports(user) -> bool:
    return is_programme_staff(user) or is_coordinator(user)


@login_required
def report_list(request):
    if not _may_use_reports(request.user):
        raise PermissionDenied
    form = ReportRequestForm(request.POST or None, editions=reportable_editions(request.user))
    if request.method == "POST" and form.is_valid():
        report = report_request(
            kind=form.cleaned_data["kind"],
            target=form.target,
            fmt=form.cleaned_data["format"],
            by=request.user,
        )
        messages.success(
            request, _("Your report is being built. You will get an e-mail when it is ready.")
        )
        return redirect(report)
    page = Paginator(reports_visible_to(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "reports/list.html", {"form": form, "page": page})


def _report_for(request, pk) -> Report:
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    if not report_still_allowed(report=report, user=request.user):
        raise Http404
    return report


@login_required
def report_detail(request, pk):
    report = _report_for(request, pk)
    template = "reports/partials/status.html" if request.htmx else "reports/detail.html"
    return render(request, template, {"report": report})


@login_required
def report_download(request, pk):
    report = _report_for(request, pk)
    if report.status != Report.Status.READY or not report.file:
        raise Http404
    return file_download(
        report.file,
        filename=f"{report.get_kind_display()} {report.created_at:%Y-%m-%d}.{report.format}",
    )
