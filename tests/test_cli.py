"""The command line: output, JSON, exit codes and one-line errors, never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from conftest import REPO, TINY, run_python, write
from game.cli import build_parser, main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli(*argv, stdin: str | None = None):
    """The real console entry point in a fresh process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "game", *argv], cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_check_ok_and_errors(capsys, tmp_path, default_copy):
    code, out, _ = run(capsys, "vocab", "check", str(default_copy))
    assert code == 0 and "ok" in out and "elements" in out
    bad = write(tmp_path / "bad.yaml", TINY + "  water:\n  Fog: 12\n")
    code, out, err = run(capsys, "vocab", "check", str(bad))
    assert code == 1
    assert out.splitlines() == [
        f"{bad}:15:3: 'water' is already defined as an element at line 5 (names match ignoring case)",
        f"{bad}:16:8: the emoji of 'Fog' must be a text, not int '12' (quote it)",
    ]
    assert err.strip().endswith("2 problems")


def test_try_text_and_json(capsys, default_copy):
    code, out, _ = run(capsys, "try", "water", "FIRE", "--vocab", str(default_copy))
    assert code == 0 and out.splitlines()[0].startswith("💧 Water + 🔥 Fire = ")
    code, out, _ = run(capsys, "try", "water", "fire", "--vocab", str(default_copy), "--json", "--top", "3")
    data = json.loads(out)
    assert set(data) >= {"a", "b", "result", "score", "runners_up"}
    assert data["a"] == "Water" and data["b"] == "Fire" and len(data["runners_up"]) == 3
    assert all(set(r) == {"name", "score"} for r in data["runners_up"])


def test_try_accepts_names_with_spaces(capsys, default_copy):
    code, out, _ = run(capsys, "try", "black", "hole", "+", "water", "--vocab", str(default_copy), "--json")
    assert code == 0 and json.loads(out)["a"] == "Black Hole"


def test_batch_from_file_and_stdin(capsys, tmp_path, default_copy, monkeypatch):
    pairs = write(tmp_path / "pairs.txt", "# a comment\nwater + fire\n\nSand + Fire\nblack hole + water\n")
    code, out, _ = run(capsys, "try", "--batch", str(pairs), "--vocab", str(default_copy), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [(r["a"], r["b"]) for r in rows] == [("Water", "Fire"), ("Sand", "Fire"), ("Black Hole", "Water")]
    monkeypatch.setattr(sys, "stdin", io.StringIO("water + fire\nwater + nonsense\n"))
    code, out, err = run(capsys, "try", "--batch", "-", "--vocab", str(default_copy), "--top", "0")
    assert code == 1
    assert out.splitlines()[0].startswith("Water + Fire = ")
    assert "-:2: unknown element 'nonsense'" in err


def test_batch_matches_single_answers(capsys, tmp_path, default_copy):
    names = ["Water", "Fire", "Wind", "Earth", "Sand", "Glass", "Tree", "Cloud"]
    lines = [f"{a} + {b}" for a in names for b in names]
    pairs = write(tmp_path / "p.txt", "\n".join(lines))
    _, out, _ = run(capsys, "try", "--batch", str(pairs), "--vocab", str(default_copy), "--json")
    batch = [json.loads(line) for line in out.splitlines()]
    for line, row in zip(lines[:10], batch):
        a, b = line.split(" + ")
        _, single, _ = run(capsys, "try", a, b, "--vocab", str(default_copy), "--json")
        assert json.loads(single) == row


def test_reach_text_and_json(capsys, default_copy, default_world, default_table):
    code, out, _ = run(capsys, "vocab", "reach", str(default_copy))
    assert code == 0 and "depth  0:     4 (starting)" in out and "unreachable" in out
    code, out, _ = run(capsys, "vocab", "reach", str(default_copy), "--json")
    data = json.loads(out)
    assert code == 0 and {"reachable", "unreachable", "depths"} <= set(data)
    assert data["pairs_tried"] == len(default_table[0])  # read off the cached table, the same as reach()


@pytest.mark.slow
def test_build_embeds_with_the_real_model_then_only_new_words(capsys, tmp_path):
    path = write(tmp_path / "w.yaml", TINY)
    code, out, err = run(capsys, "vocab", "build", str(path))
    assert code == 0 and "embedded 10 new (0 cached)" in out and "built" in out
    assert "words/s" in err and "loading the embedding model" in err
    write(path, TINY + "  Cloud: \"☁️\"\n")
    code, out, err = run(capsys, "vocab", "build", str(path))
    assert code == 0 and "embedded 1 new (10 cached)" in out
    code, out, err = run(capsys, "vocab", "build", str(path))
    assert code == 0 and "embedded 0 new" in out and "up to date" in out and "loading" not in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["try", "water", "nonsense"], "embedcraft: error: unknown element 'nonsense'"),
        (["try", "water"], "embedcraft: error: give two names"),
        (["try", "water", "fire", "--vocab", "/nonexistent/w.yaml"], "embedcraft: error: /nonexistent/w.yaml:1:1: no such vocabulary file"),
        (["vocab", "reach", "/nonexistent/w.yaml"], "embedcraft: error: /nonexistent/w.yaml:1:1: no such vocabulary file"),
        (["try", "--batch", "/nonexistent/pairs.txt"], "embedcraft: error: cannot read /nonexistent/pairs.txt"),
    ],
)
def test_failures_are_one_line_with_exit_1(argv, message):
    out = cli(*argv)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith(message), out.stderr
    assert "Traceback" not in out.stderr


def test_bad_batch_bytes_and_lines_do_not_crash(tmp_path):
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"water + fire\n\xff\xfe\x00garbage\n")
    out = cli("try", "--batch", str(binary))
    assert out.returncode == 1 and "not UTF-8" in out.stderr and "Traceback" not in out.stderr
    out = cli("try", "--batch", "-", stdin="water fire\n")
    assert out.returncode == 1 and "expected `A + B`" in out.stderr


def test_try_on_the_default_world_never_imports_torch():
    code = (
        "import sys\n"
        "from game.cli import main\n"
        "assert main(['try', 'water', 'fire']) == 0\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules, 'pygame' in sys.modules)\n"
    )
    assert run_python(code).strip().splitlines()[-1] == "False False False"


def test_every_command_has_help_and_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = []  # (full name, its parser, the one-line help its parent lists it with)

    def listed(action) -> dict[str, str | None]:
        return {choice.dest: choice.help for choice in action._choices_actions}

    for action in parser._subparsers._group_actions:
        helps = listed(action)
        for name, sub in action.choices.items():
            if sub._subparsers is None:
                commands.append((name, sub, helps.get(name)))
            else:
                assert (helps.get(name) or "").strip() and (sub.description or "").strip(), name
                for inner in sub._subparsers._group_actions:
                    inner_helps = listed(inner)
                    commands.extend((f"{name} {n}", s, inner_helps.get(n)) for n, s in inner.choices.items())
    assert {c for c, _, _ in commands} >= {"try", "vocab check", "vocab build", "vocab reach"}
    for name, sub, summary in commands:
        assert (summary or "").strip(), f"`embedcraft {name}` has no one-line help in its parent's list"
        assert (sub.description or "").strip(), f"`embedcraft {name}` has no description of its own"
        assert sub.description != parser.description, name
        assert f"embedcraft {name}" in readme, f"README does not show `embedcraft {name}`"
