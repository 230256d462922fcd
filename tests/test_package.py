"""Does the course package import in one direction only, with the widgets where they are needed?

The rule (docs/contributing.md, "The package: its parts and which may import which"): no
import cycles, counting imports inside functions too; learner-facing modules never import
course.instructor; the data and progress modules never load ipywidgets.
"""
import ast
import subprocess
import sys

from course.data import ROOT

PACKAGE = ROOT / "course"
WIDGET_FREE = ("course.atomic", "course.bank", "course.lessons", "course.progress")


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def prefixes(name):
    """Return a dotted name and its parents: a.b.c -> {a, a.b, a.b.c}."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def imports(path):
    """Return every module `path` imports, at the top or inside a function, with its parent packages."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + [base]).strip(".")
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    # Importing a.b.c runs a and a.b first; a module's own packages are already being imported.
    return {prefix for name in names for prefix in prefixes(name)} - prefixes(package)


def graph():
    """Return {course module: the course modules and top-level packages it imports}."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: {n for n in imports(path) if n != name and (n in modules or "." not in n)}
            for name, path in modules.items()}


def cycle(edges):
    """Return one import cycle among course modules as a list of names, or [] if there is none."""
    state, stack = {}, []

    def visit(name):
        state[name] = "open"
        stack.append(name)
        for other in sorted(edges[name] & set(edges)):
            if state.get(other) == "open":
                return stack[stack.index(other):] + [other]
            if other not in state and (found := visit(other)):
                return found
        stack.pop()
        state[name] = "done"
        return []

    return next((found for name in sorted(edges) if name not in state and (found := visit(name))), [])


def test_is_the_package_free_of_import_cycles():
    assert cycle(graph()) == []


def test_does_no_learner_facing_module_import_the_instructor_tools():
    wrong = {name: sorted(n for n in deps if n.startswith("course.instructor"))
             for name, deps in graph().items() if not name.startswith("course.instructor")}
    assert {name: deps for name, deps in wrong.items() if deps} == {}


def test_do_bank_lessons_and_progress_stay_away_from_the_widgets_and_the_quiz():
    edges = graph()
    assert {name: sorted(edges[name] & {"ipywidgets", "course.quiz"}) for name in WIDGET_FREE} == \
        {name: [] for name in WIDGET_FREE}


def test_does_loading_banks_and_lesson_facts_leave_ipywidgets_unloaded():
    code = ("import sys; from course import bank, lessons, progress\n"
            "print([(l.self_check_count, l.exercise_count) for l in lessons.LESSONS][0], "
            "len(bank.load_questions('00-what-is-an-ai-researcher')), 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "(5, 2) 5 False", out.stderr


def test_does_importing_progress_not_import_ipywidgets_by_importtime():
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import course.progress"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "course.progress" in out.stderr and "ipywidgets" not in out.stderr
