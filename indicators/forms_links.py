"""The 「对应指标」 form: only shapes the input; target_link_save checks the rules."""
from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import LinkMatch, TargetScope

NONE = "none"  # the choice 「不对应指标,由行动计划条目跟踪」


class TargetLinkForm(forms.Form):
    indicator = forms.ChoiceField(label=_("对应指标"), widget=forms.RadioSelect, error_messages={
        "required": _("请选择一个指标,或选择「不对应指标,由行动计划条目跟踪」"),
        "invalid_choice": _("所选指标不存在,请重新选择")})
    scope = forms.ChoiceField(label=_("适用层级"), choices=TargetScope.choices,
                              error_messages={"invalid_choice": _("请选择适用层级")})
    tolerance = forms.DecimalField(
        label=_("接近容差"), required=False, min_value=0, max_digits=10, decimal_places=4,
        help_text=_("与目标差距在此范围内判为“接近”,以指标的单位计(百分比指标为百分点);0 表示没有“接近”"),
        error_messages={"invalid": _("接近容差应为数字"), "min_value": _("接近容差不能为负数"),
                        "max_digits": _("接近容差最多 6 位整数、4 位小数"),
                        "max_decimal_places": _("接近容差最多 4 位小数"),
                        "max_whole_digits": _("接近容差最多 6 位整数")})
    match = forms.ChoiceField(label=_("口径对应"), choices=LinkMatch.choices,
                              error_messages={"invalid_choice": _("请选择口径对应")})
    match_note = forms.CharField(label=_("口径差异说明"), required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 error_messages={"max_length": _("口径差异说明最多 2000 字")})
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"max_length": _("说明最多 2000 字")})

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = {str(i.pk): i for i in indicators}
        self.fields["indicator"].choices = [(NONE, _("不对应指标,由行动计划条目跟踪"))] + [
            (pk, i.name_zh) for pk, i in self.indicators.items()]

    def chosen_indicator(self):
        """The chosen Indicator, or None for 「不对应指标」 (call after is_valid)."""
        return self.indicators.get(self.cleaned_data["indicator"])
