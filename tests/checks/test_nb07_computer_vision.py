"""Do the lesson 07 checks pass the reference and fail realistic mistakes?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import numpy as np
import pytest
from scipy import ndimage, signal

from course.checks.nb07_computer_vision import conv2d_valid, max_pool2x2, q1, q2

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}


def endless(*args, **kwargs):
    while True:
        pass


# --- q1: conv2d_valid -----------------------------------------------------------

def shift_and_add(image, kernel):
    """A correct answer written the lesson's way: loop over kernel weights, shift the whole image."""
    kh, kw = kernel.shape
    h, w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    return sum(kernel[u, v] * image[u:u + h, v:v + w] for u in range(kh) for v in range(kw))


def scipy_correlate(image, kernel):
    return signal.correlate2d(image, kernel, mode="valid")


def true_convolution(image, kernel):
    return conv2d_valid(image, kernel[::-1, ::-1])


def scipy_convolve(image, kernel):
    return signal.convolve2d(image, kernel, mode="valid")


def same_padding(image, kernel):
    kh, kw = kernel.shape
    padded = np.pad(image, ((kh // 2, (kh - 1) // 2), (kw // 2, (kw - 1) // 2)))
    return conv2d_valid(padded, kernel)


def off_by_one_size(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh, image.shape[1] - kw))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def transposed_loops(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[1] - kw + 1, image.shape[0] - kh + 1))
    for i in range(out.shape[1]):
        for j in range(out.shape[0]):
            out[j, i] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def kernel_indices_swapped(image, kernel):
    kh, kw = kernel.shape
    h, w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    return sum(kernel[v, u] * image[u:u + h, v:v + w] for u in range(kh) for v in range(kw))


def averages_the_window(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.mean(image[i:i + kh, j:j + kw] * kernel)
    return out


def with_relu(image, kernel):
    return np.maximum(conv2d_valid(image, kernel), 0)


def absolute_value(image, kernel):
    return np.abs(conv2d_valid(image, kernel))


def flipped_top_to_bottom_only(image, kernel):
    return conv2d_valid(image, kernel[::-1])


def window_one_column_short(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for u in range(kh):
                for v in range(kw - 1):   # off by one: the kernel's last column is never used
                    out[i, j] += kernel[u, v] * image[i + u, j + v]
    return out


def kernel_columns_rolled(image, kernel):
    return conv2d_valid(image, np.roll(kernel, 1, axis=1))


def test_does_the_reference_pass_q1():
    assert q1.check(conv2d_valid).status == "correct"


def sliding_windows(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijuv,uv->ij", windows, kernel)


VALID["q1"] = [shift_and_add, scipy_correlate, sliding_windows]


WRONG["q1"] = [
    (true_convolution, "computed a true convolution"),
    (scipy_convolve, "computed a true convolution"),
    (same_padding, "that is 'same' mode (padding)"),
    (off_by_one_size, "Off by one"),
    (transposed_loops, "the transpose of the expected (3, 4)"),
    (kernel_indices_swapped, "used the kernel transposed"),
    (averages_the_window, "the right answer divided by 9"),
    (with_relu, "not linear in the kernel"),
    (absolute_value, "not linear in the kernel"),
    (flipped_top_to_bottom_only, "flipped the kernel in one direction"),
    (kernel_columns_rolled, "returned a wrong value at index (0, 0)"),
    (window_one_column_short, "should be 0.5 x (sum of the kernel) = 1.35 everywhere"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


@pytest.mark.parametrize("returns, words", [
    (lambda image, kernel: np.full((3, 4), np.nan), "NaN"),
    (lambda image, kernel: "edges", "expected a numpy array"),
    (lambda image, kernel: np.zeros(12), "returned a 1-D array"),
])
def test_is_a_bad_return_value_explained_q1(returns, words):
    result = q1.check(returns)
    assert result.status == "incorrect" and words in result.message, result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda image, kernel: image[image.shape[0], 0])
    assert result.status == "error" and "IndexError" in result.message


def test_is_an_endless_loop_stopped_q1(monkeypatch):
    monkeypatch.setattr(q1, "time_limit", 0.3)
    result = q1.check(endless)
    assert result.status == "error" and "still running" in result.message


def test_does_the_reference_match_scipy_and_the_lessons_example():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(9, 7)), rng.normal(size=(3, 2))
    assert np.allclose(conv2d_valid(image, kernel), ndimage.correlate(image, kernel, mode="constant")[1:-1, 1:])
    assert conv2d_valid(np.arange(20.0).reshape(4, 5), np.ones((3, 3))).tolist() == [[54, 63, 72], [99, 108, 117]]


# --- q2: max_pool2x2 --------------------------------------------------------------

def reshape_pool(image):
    h, w = image.shape[0] // 2, image.shape[1] // 2
    return image[:2 * h, :2 * w].reshape(h, 2, w, 2).max(axis=(1, 3))


def stride_one(image):
    h, w = image.shape
    return np.array([[image[i:i + 2, j:j + 2].max() for j in range(w - 1)] for i in range(h - 1)])


def average_pool(image):
    h, w = image.shape[0] // 2, image.shape[1] // 2
    return image[:2 * h, :2 * w].reshape(h, 2, w, 2).mean(axis=(1, 3))


def min_pool(image):
    h, w = image.shape[0] // 2, image.shape[1] // 2
    return image[:2 * h, :2 * w].reshape(h, 2, w, 2).min(axis=(1, 3))


def keeps_odd_edge(image):
    h, w = (image.shape[0] + 1) // 2, (image.shape[1] + 1) // 2
    return np.array([[image[2 * i:2 * i + 2, 2 * j:2 * j + 2].max() for j in range(w)] for i in range(h)])


def drops_first_row(image):
    h, w = image.shape
    return reshape_pool(image[h % 2:, w % 2:])


def max_starts_at_zero(image):
    out = np.zeros((image.shape[0] // 2, image.shape[1] // 2))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for u in range(2):
                for v in range(2):
                    out[i, j] = max(out[i, j], image[2 * i + u, 2 * j + v])
    return out


def one_block_short(image):
    out = np.zeros(((image.shape[0] - 1) // 2, (image.shape[1] - 1) // 2))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = image[2 * i:2 * i + 2, 2 * j:2 * j + 2].max()
    return out


def transposed_output(image):
    return reshape_pool(image).T


def test_does_the_reference_pass_q2():
    assert q2.check(max_pool2x2).status == "correct"


def four_strided_slices(image):
    h, w = image.shape[0] // 2 * 2, image.shape[1] // 2 * 2
    image = image[:h, :w]
    return np.maximum.reduce([image[0::2, 0::2], image[0::2, 1::2], image[1::2, 0::2], image[1::2, 1::2]])


VALID["q2"] = [reshape_pool, four_strided_slices]


WRONG["q2"] = [
    (stride_one, "(stride 1)"),
    (average_pool, "the average of each 2x2 block"),
    (min_pool, "the smallest value of each 2x2 block"),
    (keeps_odd_edge, "An odd last row or column does not fill a 2x2 block"),
    (drops_first_row, "dropped the first row or column"),
    (max_starts_at_zero, "returned 0 where every value of a block is negative"),
    (one_block_short, "expected (H // 2, W // 2) = (2, 2)"),
    (transposed_output, "the transpose of the expected result"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


def test_is_a_nan_result_explained_q2():
    result = q2.check(lambda image: np.full((image.shape[0] // 2, image.shape[1] // 2), np.nan))
    assert result.status == "incorrect" and "NaN" in result.message


def test_is_an_endless_loop_stopped_q2(monkeypatch):
    monkeypatch.setattr(q2, "time_limit", 0.3)
    result = q2.check(endless)
    assert result.status == "error" and "still running" in result.message


def test_does_an_answer_that_edits_its_input_not_spoil_later_cases():
    def pools_then_zeroes_input(image):
        out = reshape_pool(image)
        image[:] = 0
        return out

    assert q2.check(pools_then_zeroes_input).status == "correct"

