"""The checks of lessons 11 to 14 (Adagrad, RMSprop, L1/L2 regularisation, dropout), held to the core
checks' standard: the reference passes, the starter fails, correct answers in other styles (loops,
float32, another random method) pass, and realistic wrong answers fail with a message naming the
mistake, never showing the reference."""

from __future__ import annotations

from check_standard import _lesson_solutions, leak_detector, standard_tests
from test_grader_checks import NP, src

from tutor.grader import check_ids

ADAGRAD_HEAD = "def adagrad_update(weights, dweights, cache, learning_rate=1.0, epsilon=1e-7):\n"
RMSPROP_HEAD = "def rmsprop_update(weights, dweights, cache, learning_rate=0.001, rho=0.9, epsilon=1e-7):\n"
LOSS_HEAD = (
    "def regularization_loss(weights, biases, weight_l1=0.0, weight_l2=0.0, bias_l1=0.0, bias_l2=0.0):\n"
)
GRADIENTS_HEAD = (
    "def regularization_gradients(weights, biases, dweights, dbiases, weight_l1=0.0, weight_l2=0.0,\n"
    "                             bias_l1=0.0, bias_l2=0.0):\n"
)
FORWARD_HEAD = "def dropout_forward(inputs, rate):\n"
BACKWARD_HEAD = "def dropout_backward(dvalues, mask):\n"


def body(head: str, text: str) -> str:
    """NumPy, the function's first line, and ``text`` as its body."""
    return NP + head + "".join("    " + line + "\n" for line in src(text).splitlines())


def adagrad(cache: str, step: str = "learning_rate * dweights / (np.sqrt(new_cache) + epsilon)") -> str:
    return body(ADAGRAD_HEAD, f"new_cache = {cache}\nreturn weights - {step}, new_cache")


def rmsprop(cache: str, step: str = "learning_rate * dweights / (np.sqrt(new_cache) + epsilon)") -> str:
    return body(RMSPROP_HEAD, f"new_cache = {cache}\nreturn weights - {step}, new_cache")


RMS_CACHE = "rho * cache + (1 - rho) * dweights ** 2"


def reg_loss(l1_w: str, l2_w: str, l1_b: str, l2_b: str) -> str:
    return body(LOSS_HEAD, f"return ({l1_w}) + ({l2_w}) + ({l1_b}) + ({l2_b})")


LOSS_TERMS = (
    "weight_l1 * np.sum(np.abs(weights))",
    "weight_l2 * np.sum(weights ** 2)",
    "bias_l1 * np.sum(np.abs(biases))",
    "bias_l2 * np.sum(biases ** 2)",
)


def reg_gradients(dw: str, db: str) -> str:
    return body(GRADIENTS_HEAD, f"return {dw}, {db}")


DW = "dweights + weight_l1 * np.sign(weights) + 2 * weight_l2 * weights"
DB = "dbiases + bias_l1 * np.sign(biases) + 2 * bias_l2 * biases"


def forward(mask: str, output: str = "inputs * mask") -> str:
    return body(FORWARD_HEAD, f"mask = {mask}\nreturn {output}, mask")


BINOMIAL = "np.random.binomial(1, 1 - rate, size=np.shape(inputs)) / (1 - rate)"

EXERCISES = {
    "adagrad-update": dict(
        reference=adagrad("cache + dweights ** 2"),
        starter=body(ADAGRAD_HEAD, "new_cache = cache\nreturn weights - learning_rate * dweights, new_cache"),
        styles=[
            body(
                ADAGRAD_HEAD,
                """
                w = np.asarray(weights, dtype=np.float32)
                g = np.asarray(dweights, dtype=np.float32)
                c = np.asarray(cache, dtype=np.float32) + g * g
                return w - learning_rate * g / (np.sqrt(c) + epsilon), c
                """,
            ),
            body(
                ADAGRAD_HEAD,
                """
                new_weights = weights.copy()
                new_cache = cache.copy()
                new_cache += np.square(dweights)
                new_weights -= learning_rate * dweights / (new_cache ** 0.5 + epsilon)
                return new_weights, new_cache
                """,
            ),
        ],
        wrong=[
            (adagrad("cache + dweights"), "not their squares"),
            (adagrad("dweights ** 2"), "forgets the old cache"),
            (
                adagrad("cache + dweights ** 2", "learning_rate * dweights / np.sqrt(new_cache + epsilon)"),
                "inside the square root",
            ),
            (
                adagrad("cache + dweights ** 2", "learning_rate * dweights / (np.sqrt(cache) + epsilon)"),
                "divides by the old cache",
            ),
            (
                adagrad("cache + dweights ** 2", "learning_rate * dweights / (new_cache + epsilon)"),
                "square root",
            ),
            (
                body(
                    ADAGRAD_HEAD,
                    """
                    cache += dweights ** 2
                    return weights - learning_rate * dweights / (np.sqrt(cache) + epsilon), cache
                    """,
                ),
                "in place",
            ),
        ],
    ),
    "rmsprop-update": dict(
        reference=rmsprop(RMS_CACHE),
        starter=body(
            RMSPROP_HEAD,
            "new_cache = cache + dweights ** 2\nreturn weights - learning_rate * dweights, new_cache",
        ),
        styles=[
            body(
                RMSPROP_HEAD,
                """
                w = np.asarray(weights, dtype=np.float32)
                g = np.asarray(dweights, dtype=np.float32)
                c = rho * np.asarray(cache, dtype=np.float32) + (1 - rho) * g * g
                return w - learning_rate * g / (np.sqrt(c) + epsilon), c
                """,
            ),
            body(
                RMSPROP_HEAD,
                """
                new_cache = cache * rho
                new_cache = new_cache + (1.0 - rho) * np.square(dweights)
                step = learning_rate * dweights / (np.sqrt(new_cache) + epsilon)
                return weights + -step, new_cache
                """,
            ),
        ],
        wrong=[
            (rmsprop("(1 - rho) * cache + rho * dweights ** 2"), "swapped"),
            (rmsprop("rho * cache + dweights ** 2"), "weight it by 1 - rho"),
            (rmsprop("cache + dweights ** 2"), "as in adagrad"),
            (
                rmsprop(RMS_CACHE, "learning_rate * dweights / (np.sqrt(cache) + epsilon)"),
                "divides by the old cache",
            ),
            (rmsprop(RMS_CACHE, "dweights / (np.sqrt(new_cache) + epsilon)"), "learning rate"),
            (rmsprop(RMS_CACHE, "-learning_rate * dweights / (np.sqrt(new_cache) + epsilon)"), "wrong way"),
        ],
    ),
    "regularization-loss": dict(
        reference=reg_loss(*LOSS_TERMS),
        starter=body(LOSS_HEAD, "loss = 0.0\nreturn loss"),
        styles=[
            body(
                LOSS_HEAD,
                """
                total = 0.0
                for row in np.asarray(weights).tolist():
                    for w in row:
                        total += weight_l1 * abs(w) + weight_l2 * w * w
                for row in np.asarray(biases).tolist():
                    for b in row:
                        total += bias_l1 * abs(b) + bias_l2 * b * b
                return total
                """,
            ),
            body(
                LOSS_HEAD,
                """
                w = np.asarray(weights, dtype=np.float32)
                b = np.asarray(biases, dtype=np.float32)
                loss = 0.0
                if weight_l1 > 0:
                    loss += weight_l1 * np.abs(w).sum()
                if weight_l2 > 0:
                    loss += weight_l2 * (w * w).sum()
                if bias_l1 > 0:
                    loss += bias_l1 * np.abs(b).sum()
                if bias_l2 > 0:
                    loss += bias_l2 * (b * b).sum()
                return float(loss)
                """,
            ),
        ],
        wrong=[
            (
                reg_loss(
                    "weight_l1 * np.sum(weights)", LOSS_TERMS[1], "bias_l1 * np.sum(biases)", LOSS_TERMS[3]
                ),
                "absolute",
            ),
            (
                reg_loss(
                    LOSS_TERMS[0],
                    "weight_l2 * np.sqrt(np.sum(weights ** 2))",
                    LOSS_TERMS[2],
                    "bias_l2 * np.sqrt(np.sum(biases ** 2))",
                ),
                "square root",
            ),
            (reg_loss(LOSS_TERMS[0], LOSS_TERMS[1], "0", "0"), "biases are left out"),
            (
                reg_loss(
                    "weight_l1 * np.mean(np.abs(weights))",
                    "weight_l2 * np.mean(weights ** 2)",
                    "bias_l1 * np.mean(np.abs(biases))",
                    "bias_l2 * np.mean(biases ** 2)",
                ),
                "mean",
            ),
            (
                reg_loss(
                    "weight_l2 * np.sum(np.abs(weights))",
                    "weight_l1 * np.sum(weights ** 2)",
                    "bias_l2 * np.sum(np.abs(biases))",
                    "bias_l1 * np.sum(biases ** 2)",
                ),
                "swapped",
            ),
            (
                reg_loss(
                    LOSS_TERMS[0],
                    "0.5 * weight_l2 * np.sum(weights ** 2)",
                    LOSS_TERMS[2],
                    "0.5 * bias_l2 * np.sum(biases ** 2)",
                ),
                "halved",
            ),
        ],
    ),
    "regularization-backward": dict(
        reference=reg_gradients(DW, DB),
        starter=reg_gradients("dweights", "dbiases"),
        styles=[
            # The book's choice: the slope of |w| is +1 at exactly 0.
            body(
                GRADIENTS_HEAD,
                """
                def slope(values):
                    signs = np.ones_like(values)
                    signs[values < 0] = -1
                    return signs

                new_dweights = dweights + weight_l1 * slope(weights) + 2 * weight_l2 * weights
                new_dbiases = dbiases + bias_l1 * slope(biases) + 2 * bias_l2 * biases
                return new_dweights, new_dbiases
                """,
            ),
            body(
                GRADIENTS_HEAD,
                """
                new_dweights = np.array(dweights, dtype=np.float32)
                new_dbiases = np.array(dbiases, dtype=np.float32)
                if weight_l1 > 0:
                    new_dweights += weight_l1 * np.where(weights > 0, 1, np.where(weights < 0, -1, 0))
                if weight_l2 > 0:
                    new_dweights += 2 * weight_l2 * weights
                if bias_l1 > 0:
                    new_dbiases += bias_l1 * np.sign(biases)
                if bias_l2 > 0:
                    new_dbiases += 2 * bias_l2 * biases
                return new_dweights, new_dbiases
                """,
            ),
        ],
        wrong=[
            (
                reg_gradients(
                    "dweights + weight_l1 * np.sign(weights) + weight_l2 * weights",
                    "dbiases + bias_l1 * np.sign(biases) + bias_l2 * biases",
                ),
                "the 2 is missing",
            ),
            (
                reg_gradients(
                    "dweights + weight_l1 * weights + 2 * weight_l2 * weights",
                    "dbiases + bias_l1 * biases + 2 * bias_l2 * biases",
                ),
                "sign of w",
            ),
            (
                reg_gradients(
                    "weight_l1 * np.sign(weights) + 2 * weight_l2 * weights",
                    "bias_l1 * np.sign(biases) + 2 * bias_l2 * biases",
                ),
                "only the penalties' share",
            ),
            (
                reg_gradients(
                    "dweights - weight_l1 * np.sign(weights) - 2 * weight_l2 * weights",
                    "dbiases - bias_l1 * np.sign(biases) - 2 * bias_l2 * biases",
                ),
                "subtracts",
            ),
            (
                reg_gradients(DW, "dbiases + weight_l1 * np.sign(biases) + 2 * weight_l2 * biases"),
                "weights' strengths",
            ),
            (
                body(
                    GRADIENTS_HEAD,
                    """
                    dweights += weight_l1 * np.sign(weights) + 2 * weight_l2 * weights
                    dbiases += bias_l1 * np.sign(biases) + 2 * bias_l2 * biases
                    return dweights, dbiases
                    """,
                ),
                "in place",
            ),
        ],
    ),
    "dropout-forward": dict(
        reference=forward(BINOMIAL),
        starter=body(FORWARD_HEAD, "mask = np.ones_like(inputs)\nreturn inputs, mask"),
        styles=[
            forward("(np.random.random_sample(np.shape(inputs)) >= rate) / (1 - rate)"),
            body(
                FORWARD_HEAD,
                """
                generator = np.random.default_rng()
                keep = generator.random(inputs.shape) < 1 - rate
                mask = np.where(keep, 1.0 / (1.0 - rate), 0.0).astype(np.float32)
                return inputs * mask, mask
                """,
            ),
            body(
                "import random\n" + FORWARD_HEAD,
                """
                mask = []
                for row in inputs:
                    mask.append([0.0 if random.random() < rate else 1 / (1 - rate) for _ in row])
                mask = np.array(mask)
                return np.asarray(inputs) * mask, mask
                """,
            ),
        ],
        wrong=[
            (forward("np.random.binomial(1, 1 - rate, size=np.shape(inputs)) * 1.0"), "not scaled"),
            (
                forward("np.random.binomial(1, 1 - rate, size=np.shape(inputs)) * (1 - rate)"),
                "divide by it instead",
            ),
            (forward("np.random.binomial(1, rate, size=np.shape(inputs)) / (1 - rate)"), "probability rate"),
            (
                body(
                    FORWARD_HEAD,
                    """
                    np.random.seed(0)
                    mask = np.random.binomial(1, 1 - rate, size=np.shape(inputs)) / (1 - rate)
                    return inputs * mask, mask
                    """,
                ),
                "same mask",
            ),
            (
                forward(
                    "np.random.binomial(1, 1 - rate, size=(len(inputs), 1)) / (1 - rate) * np.ones_like(inputs)"
                ),
                "a whole row",
            ),
            (forward(BINOMIAL, "inputs"), "multiply them by the mask"),
        ],
    ),
    "dropout-backward": dict(
        reference=body(BACKWARD_HEAD, "return dvalues * mask"),
        starter=body(BACKWARD_HEAD, "dinputs = dvalues\nreturn dinputs"),
        styles=[
            body(BACKWARD_HEAD, "return np.multiply(np.asarray(dvalues, dtype=np.float32), mask)"),
            body(
                BACKWARD_HEAD,
                """
                result = np.zeros_like(dvalues)
                for i in range(len(dvalues)):
                    for j in range(len(dvalues[i])):
                        result[i][j] = dvalues[i][j] * mask[i][j]
                return result
                """,
            ),
        ],
        wrong=[
            (body(BACKWARD_HEAD, "return dvalues * (mask > 0)"), "unscaled"),
            (body(BACKWARD_HEAD, "return mask"), "returned the mask"),
            (body(BACKWARD_HEAD, "return dvalues @ mask"), "multiplied as matrices"),
            (body(BACKWARD_HEAD, "return dvalues / mask"), "dividing by the mask"),
        ],
    ),
}


def test_every_exercise_of_lessons_11_to_14_has_a_check_and_a_lesson():
    assert set(EXERCISES) <= set(check_ids())
    assert set(EXERCISES) <= set(_lesson_solutions())


_leaks = leak_detector(EXERCISES)
globals().update(standard_tests(EXERCISES, _leaks, lesson_solutions=True))


def test_the_slope_of_l1_at_exactly_zero_may_be_zero_or_plus_l1(grader):
    """np.sign gives 0 at 0 and the book's ones-then-minus-one gives +1: both are right answers."""
    for source in (
        EXERCISES["regularization-backward"]["reference"],
        EXERCISES["regularization-backward"]["styles"][0],
    ):
        result = grader.grade("regularization-backward", source)
        assert result.passed, result.feedback
    minus = EXERCISES["regularization-backward"]["styles"][0].replace("np.ones_like", "-np.ones_like")
    assert not grader.grade("regularization-backward", minus).passed


def test_a_mask_that_keeps_a_fixed_count_passes_and_one_that_keeps_too_few_fails(grader):
    """The kept share is judged statistically, so another correct random method passes; a share far
    from 1 - rate does not."""
    shuffled = forward(
        "np.random.permutation(np.arange(np.size(inputs)) < round(np.size(inputs) * (1 - rate)))"
        ".reshape(np.shape(inputs)) / (1 - rate)"
    )
    assert grader.grade("dropout-forward", shuffled).passed
    too_few = forward("(np.random.random_sample(np.shape(inputs)) >= rate + 0.05) / (1 - rate)")
    result = grader.grade("dropout-forward", too_few)
    assert not result.passed
    assert "should be kept with probability" in result.feedback
