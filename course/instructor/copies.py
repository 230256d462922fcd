"""Flag an answer that is the course's own reference solution (the `flags` column: `uses-reference`).

Two signs, either is enough: the function the notebook's answer name holds was defined
in a `course.checks` module (imported, not written), or its code is a reference's code
(what `qN.solution()` shows, or a function of the course's solutions/NN-topic.ipynb) once
names, docstrings, comments, annotations and layout are set aside. A flag never
changes a verdict; the instructor decides what it means.
"""
from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import nbformat

from course.instructor.judge import code_trees
from course.instructor.runner import HELPER

USES_REFERENCE = "uses-reference"


class _Names(ast.NodeTransformer):
    """Rename every variable, argument and function to its order of first appearance; drop docstrings."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def rename(self, name: str) -> str:
        """Return the placeholder for `name` (v0, v1, ... in order of first appearance)."""
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(self.rename(node.id), node.ctx), node)

    def visit_arg(self, node):
        return ast.copy_location(ast.arg(self.rename(node.arg)), node)

    def visit_FunctionDef(self, node):
        node.name = self.rename(node.name)
        node.returns = None
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        self.generic_visit(node)
        return node

    def visit_AnnAssign(self, node):
        if node.value is None:
            return None
        return self.visit(ast.copy_location(ast.Assign([node.target], node.value), node))


def shape(function: ast.FunctionDef) -> str:
    """Return a function's code with names, docstrings, comments and layout normalised away."""
    tree = _Names().visit(ast.parse(ast.unparse(function)).body[0])
    return ast.dump(tree, annotate_fields=False)


def functions(tree) -> dict[str, ast.FunctionDef]:
    """Return the top-level functions of a module tree by name (the last definition wins)."""
    return {node.name: node for node in getattr(tree, "body", []) if isinstance(node, ast.FunctionDef)}


def reference_shapes(question) -> set[str]:
    """Return the normalised code of every function in a question's reference solution."""
    try:
        tree = ast.parse(getattr(question, "_solution", "") or "")
    except SyntaxError:
        return set()
    return {shape(f) for f in functions(tree).values()}


def solution_shapes(path: Path) -> frozenset:
    """Return the normalised code of every function in the answer cells (tagged `solution`) of a
    solution notebook; none if it cannot be read.

    Only answer cells count: a helper the course writes into the exercise itself (lesson 15's
    `run_epoch`, which builds a model and calls the learner's `train_epoch`) is in every
    student's notebook and is no sign of copying.
    """
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return frozenset()
    answers = nbformat.from_dict({**nb, "cells": [cell for cell in nb.cells
                                                  if "solution" in cell.get("metadata", {}).get("tags", [])]})
    return frozenset(shape(f) for tree in code_trees(answers) for f in functions(tree).values())


def written_copy(nb, names: list[str], references: set[str]) -> bool:
    """Say whether the notebook defines an answer name with the reference's code."""
    defined: dict[str, ast.FunctionDef] = {}
    for tree in code_trees(nb):
        defined.update(functions(tree))
    return any(name in defined and shape(defined[name]) in references for name in names)


def live_copy(run, names: list[str], references: set[str]) -> bool:
    """Ask the kernel where the answer's function comes from; say whether it is the reference."""
    try:
        reply = json.loads(run.ask(f"{HELPER}.origin({json.dumps(names)!r})", 7.0))
    except (ValueError, RecursionError):
        return False
    if not isinstance(reply, dict) or reply.get("kind") != "origin":
        return False
    if str(reply.get("module", "")).startswith("course.checks"):
        return True
    try:
        tree = ast.parse(textwrap.dedent(str(reply.get("source", ""))))
    except (SyntaxError, ValueError, RecursionError):
        return False
    return any(shape(f) in references for f in functions(tree).values())


def reference_flags(nb, run, question, names: list[str], solutions: frozenset = frozenset()) -> str:
    """Return the flags for one question's answer: "uses-reference" or ""."""
    references = reference_shapes(question) | solutions
    if written_copy(nb, names, references) or live_copy(run, names, references):
        return USES_REFERENCE
    return ""
