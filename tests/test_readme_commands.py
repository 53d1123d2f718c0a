"""Every command the README documents exists, and CI runs the setup ones on the backend the README names.

The README's "Running with the real services" path once crashed (`make setup` on PostgreSQL with DEBUG on)
while CI only ran `make test`: a documented command nobody runs is a command that breaks unnoticed.
"""
import re
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
# Targets that start a long-running process: CI runs what they do before serving, not the server itself.
SERVERS = {
    "run": "make setup + runserver: CI runs its setup on SQLite",
    "worker": "celery worker: started by the `services` tests in CI's PostgreSQL pass",
    "beat": "celery beat: a scheduler that never returns",
}


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"```(?:sh|bash|shell|console)\n(.*?)```", text, flags=re.S)


def commands(block: str) -> list[list[str]]:
    """Each line of a block as words, comments dropped."""
    out = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            out.append(words)
    return out


def make_targets_in(block: str) -> list[str]:
    return [words[i + 1] for words in commands(block) for i, w in enumerate(words[:-1]) if w == "make"]


def backend_of(block: str) -> str:
    """The backend a block's commands run on: the DATABASE_URL it exports, else the embedded SQLite."""
    match = re.search(r"DATABASE_URL=(\w+)://", block)
    return "postgresql" if match and match.group(1).startswith("postgres") else "sqlite"


def readme_make_targets() -> list[tuple[str, str]]:
    return [(target, backend_of(block)) for block in shell_blocks(README) for target in make_targets_in(block)]


def manage_py_mentions() -> list[list[str]]:
    """`manage.py <command> [options]` in shell blocks and in inline code."""
    spans = [line for block in shell_blocks(README) for line in block.splitlines()]
    spans += re.findall(r"`([^`\n]*manage\.py [^`\n]*)`", README)
    found = []
    for span in spans:
        words = shlex.split(span.replace("[", " ").replace("]", " "), comments=True)
        for i, word in enumerate(words[:-1]):
            if word.endswith("manage.py"):
                found.append(words[i + 1:])
    return found


def makefile_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w.-]*):", MAKEFILE, flags=re.M))


def ci_make_runs() -> list[tuple[str, str]]:
    """(target, backend) of every `make` line in .ci/run, the backend read from its DATABASE_URL."""
    runs = []
    for line in CI.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if "make" not in words:
            continue
        target = words[words.index("make") + 1]
        url = next((w.split("=", 1)[1] for w in words if w.startswith("DATABASE_URL=")), "")
        runs.append((target, "postgresql" if url.startswith("postgres") else "sqlite"))
    return runs


def test_the_readme_documents_both_setup_paths():
    # the parser reads the README as it is: if this fails, the parsing (not the README) needs a look
    assert ("run", "sqlite") in readme_make_targets() and ("test", "sqlite") in readme_make_targets()
    assert ("setup", "postgresql") in readme_make_targets()
    assert any(words[:1] == ["rollup"] for words in manage_py_mentions())


@pytest.mark.parametrize("target", sorted({t for t, _ in readme_make_targets()}))
def test_every_make_target_in_the_readme_exists(target):
    assert target in makefile_targets(), f"README mentions `make {target}`, the Makefile has no such target"


@pytest.mark.parametrize(("target", "backend"), sorted({(t, b) for t, b in readme_make_targets() if t not in SERVERS}))
def test_ci_runs_every_readme_make_target_on_the_backend_the_readme_names(target, backend):
    assert (target, backend) in ci_make_runs(), f".ci/run never runs `make {target}` on {backend}"


def test_ci_runs_the_sqlite_setup_that_make_run_does():
    assert re.search(r"^run:\s*setup\b", MAKEFILE, flags=re.M), "make run is expected to be setup + the server"
    assert ("setup", "sqlite") in ci_make_runs()


def test_make_setup_runs_with_debug_on_as_the_readme_path_does():
    # the crash only showed with DEBUG's cursor wrappers; CI must run setup the way people do
    setup = re.search(r"^setup:.*?\n((?:\t.*\n)+)", MAKEFILE, flags=re.M).group(1)
    assert all("DEBUG=true" in line for line in setup.strip().splitlines() if "manage.py" in line)


@pytest.mark.parametrize("words", manage_py_mentions(), ids=lambda words: " ".join(words))
def test_every_manage_py_command_in_the_readme_exists_with_its_options(words):
    name, args = words[0], words[1:]
    commands = get_commands()
    assert name in commands, f"README mentions `manage.py {name}`, Django knows no such command"
    parser = load_command_class(commands[name], name).create_parser("manage.py", name)
    for option in (a for a in args if a.startswith("--")):
        assert option in parser._option_string_actions, f"`manage.py {name}` has no option {option}"


@pytest.mark.parametrize("source", [w[1] for b in shell_blocks(README) for w in commands(b) if w[0] == "cp"])
def test_files_the_readme_copies_exist(source):
    assert (ROOT / source).exists()
