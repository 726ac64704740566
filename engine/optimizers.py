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
    """What every optimizer shares: the learning-rate decay, the step count and the per-parameter state.

    A subclass writes its rule in ``update(param, grad, state)``: ``param`` and ``grad`` are arrays of one
    shape (a layer's ``(n_inputs, n_neurons)`` weights, say, or a network's flat buffer), and the rule
    changes ``param`` in place.
    """

    def __init__(self, learning_rate, decay=0.0):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0  # updates done so far; the first update is iteration 0
        self._states = {}

    def pre_update_params(self) -> None:
        """Set ``current_learning_rate`` for this step: ``learning_rate / (1 + decay * iterations)``."""
        if self.decay:
            self.current_learning_rate = decayed_learning_rate(
                self.learning_rate, self.decay, self.iterations
            )

    def retune(self, learning_rate: float, decay: float | None = None) -> None:
        """Change the learning rate (and the decay) between two steps, as a live control does: the
        next step uses ``learning_rate / (1 + decay * iterations)``, the rate these settings give at
        this point of the run."""
        self.learning_rate = learning_rate
        if decay is not None:
            self.decay = decay
        self.current_learning_rate = (
            decayed_learning_rate(learning_rate, self.decay, self.iterations) if self.decay else learning_rate
        )

    def update_params(self, layer) -> None:
        """Update a layer's parameters (anything with ``parameters() -> [(param, grad), ...]``)."""
        for param, grad in layer.parameters():
            self.update(param, grad, self._state_for(param))

    def post_update_params(self) -> None:
        """Count the step."""
        self.iterations += 1

    def step(self, parameters: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """One whole update: ``parameters`` is a list of ``(param, grad)`` array pairs."""
        self.pre_update_params()
        for param, grad in parameters:
            self.update(param, grad, self._state_for(param))
        self.post_update_params()

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        """Change ``param`` in place by this optimizer's rule; ``grad`` has its shape."""
        raise NotImplementedError

    def _state_for(self, param: np.ndarray) -> dict[str, np.ndarray]:
        """The memory this optimizer keeps for ``param`` between steps (empty at first)."""
        # Keyed by identity; keeping the array in the entry stops its id from being reused.
        entry = self._states.get(id(param))
        if entry is None or entry[0] is not param:
            entry = self._states[id(param)] = (param, {})
        return entry[1]


def _slot(state: dict[str, np.ndarray], name: str, like: np.ndarray) -> np.ndarray:
    """``state[name]``: an array shaped like the parameter ``like``, zeros on first use, then kept from
    step to step (momentums, caches)."""
    if name not in state:
        state[name] = np.zeros_like(like)
    return state[name]


def _moving_average(average: np.ndarray, value: np.ndarray, beta: float) -> None:
    """``average = beta * average + (1 - beta) * value``, in place.

    Speed: updating ``average`` in place saves a new array per step. The numbers are the same:
    ``average *= beta`` rounds exactly like ``beta * average``, and ``+=`` like the sum.
    """
    average *= beta
    average += (1 - beta) * value


class SGD(Optimizer):
    """Stochastic gradient descent: step against the gradient.

        param += -lr * grad

    With ``momentum`` the step is a velocity that remembers earlier steps, so it rolls through small
    bumps and shallow local minima:

        velocity = momentum * velocity - lr * grad
        param += velocity
    """

    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.0):
        super().__init__(learning_rate, decay)
        self.momentum = momentum

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        if self.momentum:
            self.momentum_update(param, grad, _slot(state, "momentums", param))
        else:
            param += -self.current_learning_rate * grad

    def momentum_update(self, param: np.ndarray, grad: np.ndarray, velocity: np.ndarray) -> None:
        """``velocity = momentum * velocity - lr * grad; param += velocity``, in place."""
        velocity *= self.momentum
        velocity -= self.current_learning_rate * grad
        param += velocity


class Adagrad(Optimizer):
    """Per-parameter learning rates: each step is divided by the root of that parameter's summed squared
    gradients, so often-updated parameters slow down.

        cache += grad^2
        param += -lr * grad / (sqrt(cache) + epsilon)
    """

    def __init__(self, learning_rate=1.0, decay=0.0, epsilon=1e-7):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        cache = _slot(state, "cache", param)
        cache += grad**2
        param += -self.current_learning_rate * grad / (np.sqrt(cache) + self.epsilon)


class RMSprop(Optimizer):
    """Adagrad with a moving average of squared gradients instead of a sum that only grows, so learning
    does not stall.

        cache = rho * cache + (1 - rho) * grad^2
        param += -lr * grad / (sqrt(cache) + epsilon)
    """

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, rho=0.9):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.rho = rho

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        cache = _slot(state, "cache", param)
        _moving_average(cache, grad**2, self.rho)
        param += -self.current_learning_rate * grad / (np.sqrt(cache) + self.epsilon)


class Adam(Optimizer):
    """Momentum plus RMSprop's scaling, both corrected for starting at zero. At step ``t = iterations + 1``:

        m = beta_1 * m + (1 - beta_1) * grad        a moving average of the gradients (momentum)
        v = beta_2 * v + (1 - beta_2) * grad^2      a moving average of their squares (RMSprop's cache)
        m_hat = m / (1 - beta_1^t)                  bias correction: m and v start at 0 and would
        v_hat = v / (1 - beta_2^t)                  make the first steps tiny
        param += -lr * m_hat / (sqrt(v_hat) + epsilon)

    ``m`` and ``v`` are kept per parameter as ``state["momentums"]`` and ``state["cache"]``. On the first
    step ``m_hat = grad`` and ``v_hat = grad^2``, so every parameter moves by about ``lr``, whatever the
    size of its gradient.
    """

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9, beta_2=0.999):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        momentums = _slot(state, "momentums", param)
        cache = _slot(state, "cache", param)
        t = self.iterations + 1
        _moving_average(momentums, grad, self.beta_1)
        _moving_average(cache, grad**2, self.beta_2)
        momentums_corrected = momentums / (1 - self.beta_1**t)
        cache_corrected = cache / (1 - self.beta_2**t)
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
