"""Optimizers: turn gradients into parameter updates.

Every optimizer shares the learning-rate decay rule and the notebook's three-call protocol:

    optimizer.pre_update_params()      # decay the learning rate for this step
    optimizer.update_params(layer)     # once per Dense layer
    optimizer.post_update_params()     # count the step

``update(param, grad, state)`` is each optimizer's own rule, applied in place to one parameter array.
Extra memory an optimizer keeps per parameter (momentums, caches) lives in ``state``, a dict of arrays
shaped like the parameter, created on first use. A ``Network`` hands its optimizer all its parameters as
one flat array, so each rule runs once per step instead of once per weight and bias array.

The arithmetic is written in the notebook's order on purpose: with ``nnfs.init()`` the engine then
reproduces the notebook's training log digit for digit. In-place operators (``*=``, ``+=``) round exactly
like the expressions they replace, and save allocating new arrays.
"""

from __future__ import annotations

import numpy as np


def decayed_learning_rate(learning_rate, decay, iteration):
    """``learning_rate / (1 + decay * iteration)``: big steps early, smaller ones later.

    Written as ``lr * (1 / (1 + decay * t))``, the notebook's form, so that printed values match it to
    the last digit (the two forms can round differently).
    """
    return learning_rate * (1.0 / (1.0 + decay * iteration))


class Optimizer:
    def __init__(self, learning_rate, decay=0.0):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0  # updates done so far; the first update is iteration 0
        self._states = {}

    def pre_update_params(self):
        if self.decay:
            self.current_learning_rate = decayed_learning_rate(
                self.learning_rate, self.decay, self.iterations
            )

    def update_params(self, layer):
        """Update a layer's parameters (anything with ``parameters() -> [(param, grad), ...]``)."""
        for param, grad in layer.parameters():
            self.update(param, grad, self._state_for(param))

    def post_update_params(self):
        self.iterations += 1

    def step(self, parameters):
        """One whole update: ``parameters`` is a list of ``(param, grad)`` array pairs."""
        self.pre_update_params()
        for param, grad in parameters:
            self.update(param, grad, self._state_for(param))
        self.post_update_params()

    def _state_for(self, param):
        # Keyed by identity; keeping the array in the entry stops its id from being reused.
        entry = self._states.get(id(param))
        if entry is None or entry[0] is not param:
            entry = self._states[id(param)] = (param, {})
        return entry[1]

    def update(self, param, grad, state):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent: step against the gradient, ``w -= lr * dw``.

    With ``momentum`` the step is a velocity that remembers earlier steps:
    ``m = momentum * m - lr * dw; w += m``. It rolls through small bumps and shallow local minima.
    """

    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.0):
        super().__init__(learning_rate, decay)
        self.momentum = momentum

    def update(self, param, grad, state):
        if self.momentum:
            if "momentums" not in state:
                state["momentums"] = np.zeros_like(param)
            self.momentum_update(param, grad, state["momentums"])
        else:
            param += -self.current_learning_rate * grad

    def momentum_update(self, param, grad, velocity):
        """``velocity = momentum * velocity - lr * grad; param += velocity``, in place."""
        velocity *= self.momentum
        velocity -= self.current_learning_rate * grad
        param += velocity


class Adagrad(Optimizer):
    """Per-parameter learning rates: divide each step by the root of that parameter's summed squared
    gradients, so often-updated parameters slow down."""

    def __init__(self, learning_rate=1.0, decay=0.0, epsilon=1e-7):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon

    def update(self, param, grad, state):
        if "cache" not in state:
            state["cache"] = np.zeros_like(param)
        cache = state["cache"]
        cache += grad**2
        param += -self.current_learning_rate * grad / (np.sqrt(cache) + self.epsilon)


class RMSprop(Optimizer):
    """Adagrad with a moving average of squared gradients (decay ``rho``) instead of a sum that
    only grows, so learning does not stall."""

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, rho=0.9):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.rho = rho

    def update(self, param, grad, state):
        if "cache" not in state:
            state["cache"] = np.zeros_like(param)
        cache = state["cache"]
        cache *= self.rho
        cache += (1 - self.rho) * grad**2
        param += -self.current_learning_rate * grad / (np.sqrt(cache) + self.epsilon)


class Adam(Optimizer):
    """Momentum (a moving average of gradients, ``beta_1``) plus RMSprop's scaling (a moving average of
    squared gradients, ``beta_2``), both corrected for starting at zero.

    Bias correction divides by ``1 - beta ** (t + 1)``: the averages start at 0 and would make the
    first steps tiny; ``t`` counts from 0, hence ``+ 1``. ``epsilon`` is added after the square root.
    """

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9, beta_2=0.999):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def update(self, param, grad, state):
        if "momentums" not in state:
            state["momentums"] = np.zeros_like(param)
            state["cache"] = np.zeros_like(param)
        momentums, cache = state["momentums"], state["cache"]
        step_number = self.iterations + 1

        momentums *= self.beta_1
        momentums += (1 - self.beta_1) * grad
        momentums_corrected = momentums / (1 - self.beta_1**step_number)

        cache *= self.beta_2
        cache += (1 - self.beta_2) * grad**2
        cache_corrected = cache / (1 - self.beta_2**step_number)

        param += -self.current_learning_rate * momentums_corrected / (np.sqrt(cache_corrected) + self.epsilon)


# Optimizer name -> its class. ``engine.names`` lists the same names and the classes' default learning
# rates without importing NumPy (tests/test_train_cli.py holds them together).
OPTIMIZERS = {"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam}


# Pure, one-step versions of the rules above, for checking answers: they return new arrays and leave
# their arguments alone. Each runs the optimizer class itself, so there is one implementation.


def _copies(*arrays):
    return [np.array(a, dtype=float) for a in arrays]


def sgd_step(weights, dweights, learning_rate):
    """``weights - learning_rate * dweights``."""
    weights, dweights = _copies(weights, dweights)
    SGD(learning_rate).update(weights, dweights, {})
    return weights


def momentum_step(weights, dweights, momentums, learning_rate, momentum):
    """Return ``(new_weights, new_momentums)`` with ``m' = momentum * m - lr * dw`` and ``w' = w + m'``."""
    weights, dweights, momentums = _copies(weights, dweights, momentums)
    SGD(learning_rate, momentum=momentum).momentum_update(weights, dweights, momentums)
    return weights, momentums


def adam_step(
    weights, dweights, m, v, iteration, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7
):
    """Return ``(new_weights, new_m, new_v)`` after one Adam step; ``iteration`` counts from 0."""
    weights, dweights, m, v = _copies(weights, dweights, m, v)
    optimizer = Adam(learning_rate, epsilon=epsilon, beta_1=beta_1, beta_2=beta_2)
    optimizer.iterations = iteration
    optimizer.update(weights, dweights, {"momentums": m, "cache": v})
    return weights, m, v
