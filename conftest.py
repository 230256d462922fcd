"""Settings for every pytest run in this repo: unit tests and notebooks under nbval.

Kernels started by nbval inherit this process's environment, so setting it here keeps
their progress file out of the learner's home and their BLAS to one thread.
"""
import os
import tempfile

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
os.environ["COURSE_PROGRESS"] = os.path.join(tempfile.mkdtemp(prefix="course-test-"), "progress.json")
