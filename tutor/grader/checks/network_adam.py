"""Check for lesson 10's ``adam-optimizer``: the learner's ``Optimizer_Adam`` class, driven by handle
through several ``pre_update_params`` / ``update_params`` / ``post_update_params`` rounds on layers
made in the learner's process, every stored moment and cache compared with the engine's Adam."""

from __future__ import annotations

import functools

import numpy as np

from engine import optimizers
from tutor.grader.api import CaseFailure, Mistake, Submission, check
from tutor.grader.cases import random_matrix
from tutor.grader.checks.adam_mistakes import CLASS_NAMES, adam_mistakes
from tutor.grader.checks.network import call, make

# -- adam-optimizer ----------------------------------------------------------------------------------------------


def _adam_reference(settings: dict) -> optimizers.Adam:
    return optimizers.Adam(
        settings["learning_rate"],
        decay=settings["decay"],
        epsilon=settings["epsilon"],
        beta_1=settings["beta_1"],
        beta_2=settings["beta_2"],
    )


ADAM_DEFAULTS = {"learning_rate": 0.001, "decay": 0.0, "epsilon": 1e-7, "beta_1": 0.9, "beta_2": 0.999}


def _adam_run(
    submission: Submission,
    settings: dict,
    given: tuple,
    steps: int,
    layers: int = 1,
    tiny_first: bool = False,
) -> None:
    """Make the learner's optimizer with ``given`` (positional) settings, update ``layers`` stand-in
    layers for ``steps`` steps with the engine's Adam alongside, and compare after every step."""
    rng = submission.rng
    optimizer = make(submission, "Optimizer_Adam", "learning_rate, decay, epsilon, beta_1, beta_2", *given)
    reference = _adam_reference(settings)
    states: list[dict] = []
    handles = []
    shapes = [(2, 4), (4, 3)][:layers]
    for shape in shapes:
        weights, biases = random_matrix(rng, *shape), random_matrix(rng, 1, shape[1])
        handles.append(submission.new_object(weights=weights, biases=biases))
        states.append({"weights": weights.copy(), "biases": biases.copy(), "w": {}, "b": {}})
    for step in range(steps):
        reference.pre_update_params()
        call(submission, optimizer, "pre_update_params", "")
        submission.expect(
            submission.attribute(optimizer, "current_learning_rate"),
            reference.current_learning_rate,
            what=f"`current_learning_rate` after pre_update_params() at iteration {step}",
            rtol=1e-9,
            atol=1e-15,
            mistakes=_decay_mistakes(settings, step),
        )
        for handle, state in zip(handles, states):
            dweights = random_matrix(rng, *state["weights"].shape)
            dbiases = random_matrix(rng, 1, state["biases"].shape[1])
            if tiny_first and step == 0:
                dweights *= 1e-6  # tiny first gradients: where epsilon goes shows
                dbiases *= 1e-6
            submission.set_attribute(handle, "dweights", dweights)
            submission.set_attribute(handle, "dbiases", dbiases)
            old, old_biases = state["weights"].copy(), state["biases"].copy()
            # Adam's step gone wrong, told in the class's names, from the moments before this step.
            b1, b2 = settings["beta_1"], settings["beta_2"]
            wrong = {
                name: adam_mistakes(
                    before,
                    gradient,
                    np.copy(state[key].get("momentums", np.zeros_like(before))),
                    np.copy(state[key].get("cache", np.zeros_like(before))),
                    step,
                    reference.current_learning_rate,
                    b1,
                    b2,
                    settings["epsilon"],
                    CLASS_NAMES[name],
                )
                for name, key, before, gradient in (
                    ("weights", "w", old, dweights),
                    ("biases", "b", old_biases, dbiases),
                )
            }
            reference.update(state["weights"], dweights, state["w"])
            reference.update(state["biases"], dbiases, state["b"])
            call(submission, optimizer, "update_params", "layer", handle)
            for attribute, want, fresh, models in (
                ("weight_momentums", state["w"]["momentums"], (1 - b1) * dweights, wrong["weights"]["m"]),
                ("weight_cache", state["w"]["cache"], (1 - b2) * dweights**2, wrong["weights"]["v"]),
                ("bias_momentums", state["b"]["momentums"], (1 - b1) * dbiases, wrong["biases"]["m"]),
                ("bias_cache", state["b"]["cache"], (1 - b2) * dbiases**2, wrong["biases"]["v"]),
            ):
                value = submission.attribute(handle, attribute)
                if value is None:
                    raise CaseFailure(
                        f"After update_params(layer), the layer has no `layer.{attribute}`. Keep Adam's "
                        "moving averages on the layer itself (zeros on first use), one set per layer."
                    )
                submission.expect(
                    value,
                    want,
                    what=f"`layer.{attribute}` after step {step + 1}",
                    rtol=1e-6,
                    atol=1e-12,
                    mistakes=[
                        Mistake(
                            "The moving averages start again from zeros at every step: create them only "
                            "when the layer has none yet (hasattr(layer, 'weight_cache')) and keep them on "
                            "the layer from step to step.",
                            functools.partial(np.copy, fresh),
                            cause="state",
                        ),
                        *models,
                    ],
                )
            for name, before in (("weights", old), ("biases", old_biases)):
                size = float(np.max(np.abs(state[name] - before))) or 1.0  # the step's size
                submission.expect(
                    submission.attribute(handle, name),
                    state[name],
                    what=f"the layer's {name} after step {step + 1}",
                    rtol=1e-6,
                    atol=1e-4 * size,
                    mistakes=wrong[name]["weights"],
                )
        reference.post_update_params()
        call(submission, optimizer, "post_update_params", "")
        submission.expect(
            submission.attribute(optimizer, "iterations"),
            step + 1,
            what=f"`iterations` after post_update_params() number {step + 1}",
            mistakes=[
                Mistake(
                    "`iterations` does not count the steps: post_update_params() adds 1 to it.",
                    lambda: 0,
                    cause="state",
                ),
                Mistake(
                    "`iterations` counts down: post_update_params() adds 1 to it (self.iterations += 1).",
                    functools.partial(int, -(step + 1)),
                    cause="sign",
                ),
            ],
        )


def _decay_mistakes(settings: dict, step: int) -> list[Mistake]:
    lr, decay = settings["learning_rate"], settings["decay"]
    return [
        Mistake(
            "The decayed learning rate multiplies by (1 + decay * iterations); it divides: "
            "learning_rate * (1 / (1 + decay * iterations)).",
            lambda: lr * (1 + decay * step) if decay and step else None,
            cause="formula",
        ),
        Mistake(
            "The decayed learning rate divides by 1 - decay * iterations; it is 1 + decay * iterations, so "
            "that the rate falls as the iterations grow.",
            lambda: lr / (1 - decay * step) if decay and step else None,
            cause="sign",
        ),
        Mistake(
            "The learning rate did not decay: pre_update_params() sets current_learning_rate = "
            "learning_rate * (1 / (1 + decay * iterations)) when decay is set.",
            lambda: lr if decay and step else None,
            cause="missing-term",
        ),
    ]


@check("adam-optimizer")
def adam_optimizer_check(submission):
    with submission.case(
        "Optimizer_Adam() with its defaults, three steps of one layer",
        note="the first gradients here are tiny (about 1e-6), so where epsilon goes matters.",
    ):
        _adam_run(submission, ADAM_DEFAULTS, (), 3, tiny_first=True)
    settings = dict(ADAM_DEFAULTS, learning_rate=0.05, decay=5e-3)
    with submission.case(
        "Optimizer_Adam(learning_rate=0.05, decay=5e-3), four steps of two layers",
        note="each layer keeps its own momentums and cache; the learning rate decays with the iterations.",
    ):
        _adam_run(submission, settings, (0.05, 5e-3), 4, layers=2)
    settings = {"learning_rate": 0.02, "decay": 0.0, "epsilon": 1e-5, "beta_1": 0.8, "beta_2": 0.99}
    with submission.case("Optimizer_Adam(0.02, 0., 1e-5, 0.8, 0.99), three steps"):
        _adam_run(submission, settings, (0.02, 0.0, 1e-5, 0.8, 0.99), 3)
