"""Exercise checks: one module per exercise notebook (nbNN_topic.py) built on Question."""
from course.checks.expect import (
    Incorrect,
    expect_array,
    expect_close,
    expect_count,
    expect_equal,
    expect_inputs_unchanged,
    expect_number,
    expect_numbers,
    expect_type,
    expect_values,
)
from course.checks.guard import Guarded, LearnerProblem
from course.checks.question import Question

__all__ = [
    "Guarded", "Incorrect", "LearnerProblem", "Question",
    "expect_array", "expect_close", "expect_count", "expect_equal", "expect_inputs_unchanged", "expect_number",
    "expect_numbers", "expect_type",
    "expect_values",
]
