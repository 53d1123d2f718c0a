"""Measure the plan-text parser: propose the Dongsheng plan from its text and compare it with the shipped,
hand-checked plan file (plans.textimport.measure defines the matching); read the prose-only documents too."""
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plans.services.loading import DEFAULT_FILE, read_plan_file
from plans.textimport import document_lines, propose
from plans.textimport.measure import compare, misses

TEXTS = Path(settings.BASE_DIR) / "tests" / "data" / "plan_texts"
DONGSHENG = "003_84744178e2681f79.txt"
PROSE = ("000_d6cde3a42d9d44eb.txt", "001_fdf70bb3c7aa235c.txt", "004_9ad08608ccc3cd51.txt")


def proposal_of(path: Path) -> dict:
    return propose(document_lines(name=path.name, content=path.read_bytes()))


def measure_dongsheng(texts: Path = TEXTS, reference: Path = DEFAULT_FILE) -> dict:
    proposal, plan_file = proposal_of(texts / DONGSHENG), read_plan_file(reference)
    return {kind: score.as_dict() for kind, score in compare(proposal, plan_file).items()}


class Command(BaseCommand):
    help = "解析器准确率:东胜方案原文 vs 人工核对的方案文件 (measure the plan-text parser)"

    def add_arguments(self, parser):
        parser.add_argument("--texts", default=str(TEXTS), help="folder with the seed texts")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the figures as JSON")
        parser.add_argument("--misses", action="store_true", dest="show_misses",
                            help="list the reference rows not matched")

    def handle(self, *args, texts, as_json: bool, show_misses: bool, **options):
        folder = Path(texts)
        if not (folder / DONGSHENG).exists():
            raise CommandError(f"{folder / DONGSHENG} 不存在 (missing)")
        figures = {"dongsheng": measure_dongsheng(folder), "prose": {}}
        for name in PROSE:
            if (folder / name).exists():
                proposal = proposal_of(folder / name)
                figures["prose"][name] = {k: len(proposal[k]) for k in ("programmes", "action_items", "targets")}
        if as_json:
            self.stdout.write(_dumps(figures))
            return
        for kind, score in figures["dongsheng"].items():
            self.stdout.write(f"{kind}: {score['matched']}/{score['reference']} = {score['recall']:.1%} "
                              f"(proposed {score['proposed']}, precision {score['precision']:.1%})")
        for name, counts in figures["prose"].items():
            self.stdout.write(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        if show_misses:
            proposal, reference = proposal_of(folder / DONGSHENG), read_plan_file(DEFAULT_FILE)
            for kind in ("programmes", "action_items", "targets"):
                for row in misses(proposal, reference, kind):
                    self.stdout.write(f"missed {kind}: {_dumps(row)}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=None)
