from django.core.management.base import BaseCommand

from indicators import forecast
from indicators.selectors.forecast import yearly_series


class Command(BaseCommand):
    help = "预测回测:用此前各年预测每个已观测年份,比较本方法(阻尼趋势)与“同上年”简单预测的平均绝对误差"

    def handle(self, *args, **options):
        for level, label in [("district", "全区 district (forecasts are drawn for these)"),
                             ("town", "镇街 towns (not forecast)")]:
            for share, kind in [(True, "比例 shares"), (False, "数量 counts")]:
                group = [(y, v) for _, y, v, is_share in yearly_series(levels=(level,)) if is_share == share]
                result = forecast.backtest(group, bounded=share)
                if not result["n"]:
                    continue
                ratio = result["mae_method"] / result["mae_naive"] if result["mae_naive"] else float("nan")
                self.stdout.write(f"{label} · {kind}: n={result['n']}  MAE 阻尼趋势 {result['mae_method']:.3f}  "
                                  f"同上年 {result['mae_naive']:.3f}  比值 {ratio:.2f}")
