from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import PreferencesForm
from .models import Notification
from .services import notifications_mark_read, preferences_for, preferences_set


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user).select_related(
        "target_type"
    )
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request):
    chosen = request.POST.getlist("notification")
    ids = [int(value) for value in chosen if value.isdigit()] if chosen else None
    count = notifications_mark_read(user=request.user, ids=ids)
    if count:
        messages.success(request, _("Marked as read."))
    return redirect("notifications:list")


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, current=preferences_for(request.user))
    if request.method == "POST" and form.is_valid():
        preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
