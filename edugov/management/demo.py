"""The demo commands create accounts that share one published password: never on a production site by
accident. With DEBUG off they run only when told explicitly."""
from django.conf import settings
from django.core.management.base import CommandError

FLAG = "--allow-production-demo"


def add_production_flag(parser) -> None:
    parser.add_argument(FLAG, action="store_true", dest="allow_production_demo",
                        help="DEBUG 关闭时也运行(会创建共用公开密码的演示账号,仅限演示环境)")


def refuse_in_production(options) -> None:
    if not settings.DEBUG and not options.get("allow_production_demo"):
        raise CommandError(
            f"DEBUG 已关闭(生产环境):演示命令会创建使用公开密码的账号,已拒绝运行。"
            f"如确为演示环境,请以 DEBUG=true 运行,或加参数 {FLAG}。"
        )
