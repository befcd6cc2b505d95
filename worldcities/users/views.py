from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .services import profile_update


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_update(form=form)
        messages.success(request, _("Your profile was saved."))
        return redirect("users:profile")
    return render(request, "users/profile.html", {"form": form})
