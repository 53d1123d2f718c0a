from django import forms
from django.utils.translation import gettext_lazy as _

from edugov.forms import IsoDateInput
from plans.models import Comparator, ItemStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ProgressForm(forms.Form):
    """Only shapes the input; the rules live in action_item_record_progress."""

    status = forms.ChoiceField(label=_("状态"), choices=ItemStatus.choices)
    progress = forms.IntegerField(label=_("完成进度(%)"), min_value=0, max_value=100)
    on_date = forms.DateField(label=_("日期"), widget=IsoDateInput())
    note = forms.CharField(label=_("进展说明"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("佐证材料"), required=False)


class ItemFilterForm(forms.Form):
    # bounded: a number beyond the database's integers would otherwise reach the query and end as a 500
    department = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    programme = forms.IntegerField(required=False, min_value=1, max_value=999)
    status = forms.ChoiceField(required=False, choices=[("", "")] + list(ItemStatus.choices))
    q = forms.CharField(required=False, max_length=100)
    overdue = forms.BooleanField(required=False)


class TargetRevisionForm(forms.Form):
    """Only shapes the input; target_revise checks the goal, the reason and the document."""

    comparator = forms.ChoiceField(label=_("比较"), choices=Comparator.choices)
    value = forms.DecimalField(label=_("目标值"), required=False, max_digits=14, decimal_places=4)
    low = forms.DecimalField(label=_("下限"), required=False, max_digits=14, decimal_places=4)
    high = forms.DecimalField(label=_("上限"), required=False, max_digits=14, decimal_places=4)
    reason = forms.CharField(label=_("修订理由"), widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.CharField(label=_("修订依据文件(文号或标题)"), max_length=200)
