"""The `course` command: `course lab`, `course exercises [--check]`, `course execute PATHS`, `course bench`,
`course grade`, `course site`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from course.data import ROOT


def _default_root() -> Path:
    return ROOT if (ROOT / "solutions").is_dir() else Path.cwd()


def cmd_exercises(args) -> int:
    from course.instructor.generate import generate_all

    errors, stale = generate_all(args.root, check=args.check)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if args.check:
        for name in stale:
            print(f"stale: {name}", file=sys.stderr)
        if stale:
            print("Run `course exercises` to regenerate them from solutions/.", file=sys.stderr)
        return 1 if errors or stale else 0
    for name in stale:
        print(f"wrote {name}" if "(no solutions/" not in name else f"orphan: {name}")
    return 1 if errors else 0


def cmd_execute(args) -> int:
    from course.instructor.execute import execute_in_place

    failures = 0
    for path in args.paths:
        seconds, error = execute_in_place(Path(path), timeout=args.timeout)
        print(f"{path}: {'FAILED ' + error if error else 'ok'} ({seconds:.1f} s)")
        failures += bool(error)
    return 1 if failures else 0


def cmd_bench(args) -> int:
    from course.instructor.execute import bench

    return bench(args.root, with_tests=not args.no_tests)


def cmd_grade(args) -> int:
    from course.instructor.classroom import CannotGrade, Plan, Stopped, grade_class, stopping_on_signals
    from course.instructor.sandbox import Limits
    from course.instructor.shards import BadShards, parse_shard

    limits = Limits(cell_seconds=args.timeout, notebook_seconds=4 * args.timeout, memory_mb=args.memory,
                    processes=args.processes, disk_mb=args.disk)
    try:
        shard = parse_shard(args.shard) if args.shard else None
    except BadShards as exc:
        return _say(f"course grade: {exc}", 2)
    plan = Plan(args.submissions, args.out, args.feedback, limits, args.jobs, tuple(args.assignment or ()), shard,
                args.wide, args.roster)
    try:
        with stopping_on_signals():
            return grade_class(plan, args.root)
    except CannotGrade as exc:
        return _say(f"course grade: {exc}", 2)
    except KeyboardInterrupt:
        return _say("course grade: interrupted; no gradebook written", 130)
    except Stopped as stop:  # exit status as a shell reports a death by that signal
        return _say(f"course grade: stopped by {stop}; no gradebook written", 128 + stop.signum)


def _say(line: str, status: int) -> int:
    """Print one line on stderr, if there still is one (a closed terminal is gone), and return `status`."""
    try:
        print(line, file=sys.stderr, flush=True)
    except OSError:
        pass
    return status


def cmd_lab(args) -> int:
    from course import launch

    for note in launch.prepare():
        print(f"course lab: {note}", file=sys.stderr)
    if args.setup_only:
        return 0
    root = launch.course_root([args.root] if args.root else [ROOT, Path.cwd()])
    if root is None:
        where = args.root or "this folder"
        print(f"course lab: {where} has no {launch.FIRST}; run it in the course folder or pass "
              "--root COURSE_FOLDER", file=sys.stderr)
        return 2
    return launch.start(root, args.lab_args)


def _one_line_error(name: str):
    """Return an argparse error handler that prints one line (not the usage) and exits 2."""
    def error(message: str):
        print(f"course {name}: {message} (see `course {name} --help`)", file=sys.stderr)
        sys.exit(2)
    return error


def add_grade(sub) -> None:
    """Add `course grade SUBMISSIONS --out CSV [--feedback DIR] [--timeout S] [--jobs N] [--memory MB]`."""
    grade = sub.add_parser("grade", help="grade a class's exercise notebooks into a gradebook",
                           description="Grade SUBMISSIONS/<student>/<NN-topic>.ipynb in sandboxed kernels.")
    grade.error = _one_line_error("grade")
    grade.add_argument("submissions", type=Path, metavar="SUBMISSIONS", help="one folder per student")
    grade.add_argument("--out", type=Path, required=True, metavar="CSV", help="the gradebook to write")
    grade.add_argument("--feedback", type=Path, metavar="DIR", help="write DIR/<student>/<NN-topic>.html")
    grade.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                       help="seconds a cell may run (default 30); a notebook's cells get 4 times that in all, "
                       "and its checks as much again")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="notebooks graded at once (default: one per CPU core)")
    grade.add_argument("--memory", type=int, default=2048, metavar="MB",
                       help="memory of one submission, all its processes together, at least 1024 (default 2048)")
    grade.add_argument("--processes", type=int, default=64, metavar="N",
                       help="processes one submission may run at once, all together (default 64)")
    grade.add_argument("--disk", type=int, default=512, metavar="MB",
                       help="what one submission may write to disk, all files together (default 512)")
    grade.add_argument("--assignment", action="append", metavar="NN",
                       help="grade only this exercise: 08, 08-reinforcement-learning or a range 03-05; repeatable "
                       "(default: every exercise at least one student submitted)")
    grade.add_argument("--shard", metavar="K/N", help="grade only shard K of N of the students (see `course gradebook "
                       "merge`)")
    grade.add_argument("--wide", type=Path, metavar="CSV", help="also write one row per student, one column of "
                       "points per exercise (for an LMS)")
    grade.add_argument("--roster", type=Path, metavar="CSV", help="with --wide: a CSV with columns student "
                       "(folder name) and id (the LMS's id)")
    grade.add_argument("--root", type=Path, default=_default_root(), help="the course folder (with exercises/)")
    grade.set_defaults(run=cmd_grade)


def add_gradebook(sub) -> None:
    """Add `course gradebook merge SHARD.csv... --out CSV [--wide CSV]`."""
    from course.instructor.books import cmd_merge

    book = sub.add_parser("gradebook", help="work with gradebooks (merge shards)")
    actions = book.add_subparsers(dest="action", required=True)
    merge = actions.add_parser("merge", help="join the gradebooks of `course grade --shard K/N` runs",
                               description="Join the N shard gradebooks of one class; refuses overlaps and gaps.")
    merge.error = _one_line_error("gradebook merge")
    merge.add_argument("shards", type=Path, nargs="+", metavar="SHARD_CSV")
    merge.add_argument("--out", type=Path, required=True, metavar="CSV", help="the merged gradebook to write")
    merge.add_argument("--wide", type=Path, metavar="CSV", help="also write the wide CSV (one row per student)")
    merge.add_argument("--roster", type=Path, metavar="CSV", help="with --wide: columns student and id")
    merge.set_defaults(run=cmd_merge)


def cmd_collect(args) -> int:
    from course.instructor.collect import collect
    from course.instructor.sources import BadSource

    stems = {p.stem for p in (args.root / "exercises").glob("*.ipynb")}
    try:
        kind, count, notes = collect(args.source, args.out, stems)
    except (BadSource, OSError) as exc:
        return _say(f"course collect: {exc}", 2)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"collected {count} notebooks ({kind} layout) into {args.out}; {len(notes)} files not collected")
    return 0


def add_collect(sub) -> None:
    """Add `course collect SOURCE --out SUBMISSIONS [--root DIR]`."""
    collect = sub.add_parser("collect", help="turn an LMS or hub export into SUBMISSIONS/<student>/<NN-topic>.ipynb",
                             description="Collect from a Canvas or Moodle download (zip or unpacked), nbgrader's "
                             "submitted/ tree, or a folder of JupyterHub homes. SOURCE is only read.")
    collect.error = _one_line_error("collect")
    collect.add_argument("source", type=Path, metavar="SOURCE", help="a zip or a folder")
    collect.add_argument("--out", type=Path, required=True, metavar="SUBMISSIONS", help="a new folder to create")
    collect.add_argument("--root", type=Path, default=_default_root(), help="the course folder (with exercises/)")
    collect.set_defaults(run=cmd_collect)


def cmd_links(args) -> int:
    from course.instructor.links import BadLink, links

    try:
        lines = links(args.root, args.repo, args.hub, args.branch)
    except BadLink as exc:
        return _say(f"course links: {exc}", 2)
    print("\n".join(lines))
    return 0


def add_links(sub) -> None:
    """Add `course links --repo URL [--hub URL] [--branch NAME]`."""
    link = sub.add_parser("links", help="print the Binder and JupyterHub (nbgitpuller) links of every exercise")
    link.error = _one_line_error("links")
    link.add_argument("--repo", required=True, metavar="URL", help="the course's public git repository")
    link.add_argument("--hub", metavar="URL", help="your JupyterHub, e.g. https://hub.example.edu")
    link.add_argument("--branch", default="main", help="the branch to open (default main)")
    link.add_argument("--root", type=Path, default=_default_root(), help="the course folder (with exercises/)")
    link.set_defaults(run=cmd_links)


def cmd_site(args) -> int:
    from course.instructor.site import main as build_site

    return build_site(args.root, args.out if args.out is not None else args.root / "build" / "site")


def add_site(sub) -> None:
    """Add `course site [--root DIR] [--out DIR]`."""
    site = sub.add_parser("site", help="build the course's static website into build/site/",
                          description="Build a static website of the course (every lesson, exercise and doc, "
                          "with working self-checks and search) from the committed, executed notebooks, "
                          "without running them. It works offline: open build/site/index.html, or publish "
                          "the folder on any static host.")
    site.error = _one_line_error("site")
    site.add_argument("--root", type=Path, default=_default_root(), help="the course folder")
    site.add_argument("--out", type=Path, metavar="DIR", help="where to build (default ROOT/build/site; replaced)")
    site.set_defaults(run=cmd_site)


def add_lab(sub) -> None:
    """Add `course lab [--root DIR] [--setup-only] [JUPYTERLAB OPTIONS...]`; main() passes unknown options on."""
    lab = sub.add_parser("lab", allow_abbrev=False,
                         usage="course lab [-h] [--root DIR] [--setup-only] [JUPYTERLAB_OPTION ...]",
                         help="start JupyterLab on the first lesson (what `make lab` runs)",
                         description="Set up this environment's kernel spec and offline JupyterLab settings, then "
                         "start JupyterLab on the course folder at lesson 00. Options course lab does not know "
                         "are passed to JupyterLab, e.g. `course lab --no-browser --ServerApp.port=9999`; "
                         "put them after `--` if one clashes with an option here.")
    lab.add_argument("--root", type=Path, metavar="DIR", help="the course folder (default: the folder the course "
                     "package is installed from, else the current one)")
    lab.add_argument("--setup-only", action="store_true",
                     help="only write the kernel spec and JupyterLab settings; do not start JupyterLab")
    lab.set_defaults(run=cmd_lab, passes_on=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="course",
                                description="Tools for the course's learners, maintainers and instructors.")
    sub = p.add_subparsers(dest="command", required=True)
    add_lab(sub)
    ex = sub.add_parser("exercises", help="regenerate exercises/ from solutions/")
    ex.add_argument("--check", action="store_true", help="only report stale exercises; exit 1 if any")
    ex.add_argument("--root", type=Path, default=_default_root(), help="the course folder")
    ex.set_defaults(run=cmd_exercises)
    run = sub.add_parser("execute", help="execute notebooks in place (to commit them executed)")
    run.add_argument("paths", nargs="+")
    run.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    run.set_defaults(run=cmd_execute)
    bench = sub.add_parser("bench", help="time every notebook and the test suite")
    bench.add_argument("--root", type=Path, default=_default_root())
    bench.add_argument("--no-tests", action="store_true", help="skip timing the test suite")
    bench.set_defaults(run=cmd_bench)
    add_grade(sub)
    add_gradebook(sub)
    add_collect(sub)
    add_links(sub)
    add_site(sub)
    return p


def main(argv=None) -> int:
    p = parser()
    args, unknown = p.parse_known_args(argv)
    if unknown and not getattr(args, "passes_on", False):
        p.error(f"unrecognized arguments: {' '.join(unknown)}")
    if "--" in unknown:  # `course lab -- --root=x` passes --root=x on to JupyterLab
        unknown.remove("--")
    args.lab_args = unknown
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
