"""Question banks as data: assets/<stem>/quiz.toml, its schema, and reading a learner's number.

This module loads no widgets, so the progress dashboard and the lesson catalogue can count
questions without importing ipywidgets; course.quiz builds the widgets on top of it.
"""
from __future__ import annotations

import ast
import hashlib
import math
import operator
import re
import tomllib
from pathlib import Path

from course.data import assets_dir

KINDS = {"single": "choose one", "multiple": "select all that apply", "numeric": "type a number"}
_KEYS = {
    "single": {"id", "kind", "prompt", "choices"},
    "multiple": {"id", "kind", "prompt", "choices"},
    "numeric": {"id", "kind", "prompt", "answer", "tolerance", "explain", "mistakes"},
}
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LETTERS = "ABCDEFGHIJ"


class QuizBankError(ValueError):
    """A question bank that breaks the schema; the message lists every problem."""


def bank_path(stem: str) -> Path:
    """Return where lesson `stem` keeps its self-check questions."""
    return assets_dir() / stem / "quiz.toml"


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _choice_problems(q: dict, where: str) -> list[str]:
    choices = q.get("choices")
    if not isinstance(choices, list) or not 2 <= len(choices) <= len(LETTERS):
        return [f"{where}: needs 2 to {len(LETTERS)} [[questions.choices]]"]
    problems = []
    for j, c in enumerate(choices):
        at = f"{where} choice {LETTERS[j]}"
        if set(c) != {"text", "correct", "explain"}:
            problems.append(f"{at}: keys must be text, correct, explain (got {sorted(c)})")
        if not _text(c.get("text")) or not _text(c.get("explain")):
            problems.append(f"{at}: text and explain must be non-empty strings")
        if not isinstance(c.get("correct"), bool):
            problems.append(f"{at}: correct must be true or false")
    right = sum(c.get("correct") is True for c in choices)
    if q["kind"] == "single" and right != 1:
        problems.append(f"{where}: a single-choice question needs exactly one correct choice (has {right})")
    if q["kind"] == "multiple" and right < 1:
        problems.append(f"{where}: a multiple-choice question needs at least one correct choice")
    if len({c.get("text") for c in choices}) != len(choices):
        problems.append(f"{where}: two choices have the same text")
    return problems


def _numeric_problems(q: dict, where: str) -> list[str]:
    if not (_number(q.get("answer")) and _number(q.get("tolerance")) and q["tolerance"] >= 0):
        return [f"{where}: answer and tolerance (>= 0) must be finite numbers"]
    problems = [] if _text(q.get("explain")) else [f"{where}: explain must be a non-empty string"]
    for m in q.get("mistakes", []):
        if not {"value", "explain"} <= set(m) <= {"value", "explain", "tolerance"} or not _number(
                m.get("value")) or not _text(m.get("explain")) or not _number(m.get("tolerance", 0)):
            problems.append(f"{where}: each mistake needs a numeric value and an explain (and may have a tolerance)")
        elif within(m["value"], q["answer"], q["tolerance"]):
            problems.append(f"{where}: mistake {m['value']} is within tolerance of the answer")
    return problems


def validate(bank: dict, source: str = "bank") -> list[str]:
    """Return every schema problem in a parsed bank (an empty list means valid)."""
    questions = bank.get("questions")
    if set(bank) != {"questions"} or not isinstance(questions, list) or not questions:
        return [f"{source}: must hold only a non-empty list of [[questions]]"]
    problems, seen = [], set()
    for i, q in enumerate(questions):
        where = f"{source} question {i + 1} ({q.get('id', '?')})"
        kind = q.get("kind")
        if kind not in KINDS:
            problems.append(f"{where}: kind must be one of {sorted(KINDS)}")
            continue
        if not isinstance(q.get("id"), str) or not _ID.match(q["id"]):
            problems.append(f"{where}: id must be lower-case words joined by '-'")
        elif q["id"] in seen:
            problems.append(f"{where}: id {q['id']!r} is used twice")
        seen.add(q.get("id"))
        if not _text(q.get("prompt")):
            problems.append(f"{where}: prompt must be a non-empty string")
        if set(q) - _KEYS[kind]:
            problems.append(f"{where}: unknown keys {sorted(set(q) - _KEYS[kind])}")
        problems += _numeric_problems(q, where) if kind == "numeric" else _choice_problems(q, where)
    return problems


def load_questions(stem: str) -> dict[str, dict]:
    """Read and validate assets/<stem>/quiz.toml; return its questions by id (QuizBankError if broken)."""
    path = bank_path(stem)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise QuizBankError(f"{path}: {exc}") from None
    problems = validate(data, str(path))
    if problems:
        raise QuizBankError("\n".join(problems))
    return {q["id"]: q for q in data["questions"]}


def within(value: float, target: float, tolerance: float) -> bool:
    """Return whether |value - target| <= tolerance, with room for the rounding of decimals (0.73 vs 0.729 ± 0.001)."""
    return abs(value - target) <= tolerance + 1e-9 * max(1.0, abs(target))


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos}
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _arithmetic(node) -> float:
    """Evaluate numbers and + - * / ** ( ) only, in floats; anything else is a ValueError."""
    if isinstance(node, ast.Expression):
        return _arithmetic(node.body)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_arithmetic(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _arithmetic(node.left), _arithmetic(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > 1000:
            raise ValueError("exponent too large")
        return _OPERATORS[type(node.op)](left, right)
    raise ValueError("not arithmetic")


def parse_number(text: str) -> float:
    """Read a learner's number: 0.25, 25%, 1/4, -2e-3, 19,220, or arithmetic such as 0.9/0.19 or 1 - 0.25**10.

    Only numbers, + - × ÷ ** and parentheses are read (no names, no calls); ValueError with a readable reason.
    """
    cleaned = (text.strip().replace("−", "-").replace("×", "*").replace("·", "*").replace("÷", "/")
               .replace(" ", ""))
    scale = 1.0
    if cleaned.endswith("%"):
        cleaned, scale = cleaned[:-1], 0.01
    if "," in cleaned:
        if not all(_THOUSANDS.fullmatch(part) for part in re.findall(r"[\d,.]*,[\d,.]*", cleaned)):
            raise ValueError(f"I could not read {text!r}: use a point for decimals, like 0.25 (a comma only "
                             "between thousands, like 19,220)")
        cleaned = cleaned.replace(",", "")
    if len(cleaned) > 100 or not re.fullmatch(r"[0-9.eE+\-*/()]+", cleaned or "?") and cleaned.lower() not in (
            "nan", "inf", "-inf", "+inf", "infinity"):
        raise ValueError(f"I could not read {text!r} as a number: try 0.25, 25%, 1/4 or arithmetic like 0.9/0.19")
    try:
        value = float(cleaned) if cleaned.lower() in ("nan", "inf", "-inf", "+inf", "infinity") else \
            _arithmetic(ast.parse(cleaned, mode="eval"))
    except (ValueError, SyntaxError, ZeroDivisionError, OverflowError, TypeError, RecursionError):
        raise ValueError(f"I could not read {text!r} as a number: try 0.25, 25%, 1/4 or arithmetic like "
                         "0.9/0.19") from None
    if isinstance(value, complex) or not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value * scale


def choice_order(question_id: str, n: int) -> list[int]:
    """Return the fixed order in which a question's n choices are shown: a shuffle seeded by its id.

    The seed is a SHA-256 of the id (not Python's salted `hash`), so every machine shows the same
    order, and the position of the right answer does not give it away.
    """
    seed = int.from_bytes(hashlib.sha256(question_id.encode()).digest()[:8], "big")
    keyed = sorted(range(n), key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).digest())
    return keyed
