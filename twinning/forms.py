from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from worldcities.users.models import User

from .models import Action


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActionForm(forms.ModelForm):
    """An action of a pairing's plan, as its edition's coordinators edit it."""

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "owner_organisation",
            "owner_person",
            "due_date",
            "status",
            "progress",
        ]
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        }

    def __init__(self, *args, pairing, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.pairing = pairing
        member_cities = pairing.member_city_ids()
        # An owner is a person of a member city or one of the edition's coordinators.
        self.fields["owner_person"].queryset = User.objects.filter(
            Q(city__in=member_cities) | Q(coordinated_editions=pairing.edition_id),
            is_active=True,
        ).distinct()
        self.fields["owner_organisation"].queryset = self.fields[
            "owner_organisation"
        ].queryset.order_by("name")
        self.fields["due_date"].help_text = _("On or after %(start)s, when the edition starts.") % {
            "start": pairing.edition.start_date.isoformat()
        }


class ActionProgressForm(forms.ModelForm):
    """Status and progress only: what a delegate of a member city may change."""

    class Meta:
        model = Action
        fields = ["status", "progress"]
        widgets = {"progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1})}
