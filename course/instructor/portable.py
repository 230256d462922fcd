"""`make test-portable`: strict nbval under the floating-point paths other machines take.

The committed outputs must not depend on the CPU. This check re-runs every lesson and
solution under strict nbval several times, each time forcing another path through the
arithmetic that a learner's machine may take:

- OpenBLAS's kernels for older x86 CPUs (OPENBLAS_CORETYPE=Prescott, Sandybridge, Haswell),
  each only where this CPU can run it: they add up matrix products in other orders;
- numpy's own SIMD loops limited to the x86-64 baseline (NPY_DISABLE_CPU_FEATURES), as on
  a CPU without AVX2 or AVX-512: exp, log and sums then round differently in the last bit;
  in the same run PyTorch's kernels at their baseline (ATEN_CPU_CAPABILITY=default) and
  JAX's compiler limited to SSE4.2 (XLA's --xla_cpu_max_isa), for lesson 15;
- two BLAS threads instead of one, as in a JupyterLab started without the course's kernel spec.

It collects every variant's failures, then fails once. Not part of `make test`: it takes
a few minutes. Run it after `make lock`, after changing a lesson's numerical code, and
before committing re-executed notebooks.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

# OpenBLAS core type -> the /proc/cpuinfo flags its kernels need.
CORETYPES = {"Prescott": {"pni"}, "Sandybridge": {"avx"}, "Haswell": {"avx2", "fma"}}
SIMD_FEATURES = ("X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR")
# PyTorch's and JAX's vector code at its baseline too (lesson 15); the XLA flags keep the one
# thread that course.frameworks.require() would otherwise set.
FRAMEWORKS_BASELINE = {"ATEN_CPU_CAPABILITY": "default",
                       "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1 "
                                    "--xla_cpu_max_isa=SSE4_2"}
SUMMARY = re.compile(r"^=*\s*(\d+ (?:passed|failed).*?) in [\d.]+s", re.M)


def cpu_flags(cpuinfo: str) -> set[str]:
    """Return the feature flags of the first processor listed in /proc/cpuinfo text."""
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def variants(flags: set[str], dispatch: list[str]) -> dict[str, dict[str, str]]:
    """Return {name: environment changes} for every path this CPU (`flags`) and numpy (`dispatch`) allow."""
    found = {f"OPENBLAS_CORETYPE={core}": {"OPENBLAS_CORETYPE": core}
             for core, needs in CORETYPES.items() if needs <= flags}
    disabled = [feature for feature in SIMD_FEATURES if feature in dispatch]
    if disabled:
        found["numpy SIMD at baseline"] = {"NPY_DISABLE_CPU_FEATURES": ",".join(disabled), **FRAMEWORKS_BASELINE}
    found["two BLAS threads"] = {"OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}
    return found


def numpy_dispatch() -> list[str]:
    """Return the SIMD targets numpy can dispatch to on this CPU."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return [feature for feature in __cpu_dispatch__ if __cpu_features__.get(feature)]


def run_variant(root: Path, changes: dict[str, str], log: Path) -> tuple[bool, str, list[str]]:
    """Run strict nbval with `changes` in the environment; return (passed, summary, failed items)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **changes}
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
               "-q", "-n", "auto", "--dist", "loadfile", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
               "notebooks", "solutions"]
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.call(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    text = log.read_text(encoding="utf-8", errors="replace")
    found = SUMMARY.findall(text)
    failed = sorted(set(re.findall(r"^FAILED (\S+)", text, flags=re.M)))
    return code == 0, (found[-1] if found else f"pytest exited {code}"), failed


def main(root: Path | None = None) -> int:
    root = root or Path.cwd()
    if not Path("/proc/cpuinfo").exists():
        print("test-portable: reads /proc/cpuinfo to choose OpenBLAS kernels; run it on Linux", file=sys.stderr)
        return 2
    logs = root / "build" / "portable"
    logs.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name, changes in variants(cpu_flags(Path("/proc/cpuinfo").read_text()), numpy_dispatch()).items():
        start = time.perf_counter()
        passed, summary, failed = run_variant(root, changes, logs / (re.sub(r"\W+", "-", name).strip("-") + ".log"))
        print(f"{'ok    ' if passed else 'FAILED'} {name:<32} {summary} ({time.perf_counter() - start:.0f} s)", flush=True)
        for item in failed:
            print(f"         {item}")
        failures += not passed
    print(f"{failures} variant(s) failed; logs in {logs.relative_to(root)}/" if failures else "every variant passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
