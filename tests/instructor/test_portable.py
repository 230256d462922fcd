"""Does `make test-portable` choose only the floating-point paths this machine can take?"""
from course.frameworks import XLA_FLAGS
from course.instructor.portable import CORETYPES, SUMMARY, cpu_flags, variants

CPUINFO = "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 pni avx fma\nbogomips\t: 1\n"


def test_are_flags_read_from_the_first_processor():
    assert cpu_flags(CPUINFO) == {"fpu", "sse2", "pni", "avx", "fma"}
    assert cpu_flags("nothing here") == set()


def test_is_a_kernel_left_out_when_the_cpu_lacks_its_instructions():
    found = variants({"pni", "avx", "fma"}, dispatch=["X86_V3"])
    assert "OPENBLAS_CORETYPE=Sandybridge" in found and "OPENBLAS_CORETYPE=Prescott" in found
    assert "OPENBLAS_CORETYPE=Haswell" not in found  # no avx2


def test_does_every_variant_change_the_environment_in_one_way():
    found = variants(set().union(*CORETYPES.values()), dispatch=["X86_V3", "X86_V4", "AVX512_SPR"])
    assert found["OPENBLAS_CORETYPE=Haswell"] == {"OPENBLAS_CORETYPE": "Haswell"}
    baseline = found["numpy SIMD at baseline"]
    assert baseline["NPY_DISABLE_CPU_FEATURES"] == "X86_V3,X86_V4,AVX512_SPR"
    assert baseline["ATEN_CPU_CAPABILITY"] == "default" and "--xla_cpu_max_isa=SSE4_2" in baseline["XLA_FLAGS"]
    assert found["two BLAS threads"]["OPENBLAS_NUM_THREADS"] == "2"


def test_is_numpy_simd_left_alone_when_numpy_dispatches_nothing():
    assert "numpy SIMD at baseline" not in variants(set(), dispatch=[])


def test_is_the_pytest_summary_found_with_and_without_rules():
    assert SUMMARY.findall("x\n4 failed, 403 passed in 37.65s\n") == ["4 failed, 403 passed"]
    assert SUMMARY.findall("===== 407 passed in 3.10s =====") == ["407 passed"]


def test_does_the_baseline_run_keep_jax_on_one_thread():
    assert found_flags() >= set(XLA_FLAGS.split())


def found_flags() -> set[str]:
    return set(variants(set(), dispatch=["X86_V3"])["numpy SIMD at baseline"]["XLA_FLAGS"].split())
