"""The yearly targets page's filters: programme, department and status, by their Chinese names."""
from django import forms
from django.utils.translation import gettext_lazy as _

from plans.selectors import departments_of
from plans.selectors_targets import status_choices


class TargetFilterForm(forms.Form):
    programme = forms.TypedChoiceField(label=_("工程"), required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label=_("责任部门"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("达标情况"), required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("全部"))]
        self.fields["programme"].choices = every + [(p.number, f"({p.number}) {p.name}")
                                                    for p in plan.programmes.order_by("number")]
        self.fields["department"].choices = every + [(d.pk, d.name) for d in departments_of(plan)]
        self.fields["status"].choices = every + status_choices()

    def chosen(self) -> dict:
        """The filters that were given and are valid; a bad one is dropped, never a 500."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
