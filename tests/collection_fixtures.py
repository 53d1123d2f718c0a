"""A tiny kindergarten form shared by the collection tests."""
import datetime
from decimal import Decimal

from indicators.models import DataElement, DataSet, DataSetElement, ReportingPeriod, ValidationRule, ValueType


def kindergarten_form(*, review_steps=1, year=2022, closed=False):
    children = DataElement.objects.create(code="kids", name_zh="在园幼儿数", name_en="Children", unit="人",
                                          value_type=ValueType.INTEGER, max_value=Decimal(5000),
                                          jump_share=Decimal("0.3"))
    puhui = DataElement.objects.create(code="puhui", name_zh="普惠性在园幼儿数", name_en="Public-benefit children",
                                       unit="人", value_type=ValueType.INTEGER)
    funds = DataElement.objects.create(code="funds", name_zh="公用经费", name_en="Funds", unit="元",
                                       value_type=ValueType.MONEY)
    dataset = DataSet.objects.create(code="kg", name_zh="幼儿园年报", name_en="Kindergarten", period_type="yearly",
                                     school_types=["kindergarten", "primary"], review_steps=review_steps)
    for order, element in enumerate([children, puhui, funds]):
        DataSetElement.objects.create(dataset=dataset, element=element, order=order, required=element.code != "funds")
    ValidationRule.objects.create(dataset=dataset, code="puhui_le_kids", left="puhui", operator="<=", right="kids",
                                  message_zh="普惠性在园幼儿数不能超过在园幼儿数")
    today = datetime.date.today()
    period = ReportingPeriod.objects.create(dataset=dataset, year=year, opens_on=today - datetime.timedelta(days=30),
                                            deadline=today + datetime.timedelta(days=10), closed=closed)
    return period
