"""Engine speed: the capstone configuration, engine vs a straightforward textbook loop, in one run.

    python benchmarks/bench_engine.py [--epochs 10001] [--repeats 3]

Both train the notebook's network (spiral data, 100 samples x 3 classes, Dense 2->64, ReLU, Dense 64->3,
softmax + cross-entropy, Adam lr 0.05 decay 5e-7) from the same data and the same initial weights, in
float32 and in float64. float32 is the engine's default mode (what `nntutor train` and the playground
run, and the notebook's precision under nnfs.init()); float64 is NumPy's default, shown for comparison. The textbook loop is written here the way the notebook writes it: one class per layer,
``np.dot``, new arrays at every step, loss and accuracy computed every epoch. The engine runs its
default mode: metrics only when read (here: never until the end). Prints time per epoch for each, the
ratio, the final accuracies and the peak memory (tracemalloc, 200 epochs) of each run. Times are CPU
times of this process. Set OPENBLAS_NUM_THREADS=1 on a busy machine: these matrices are too small for
threads to help, and a BLAS thread waiting for a core adds noise to both sides.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.activations import ReLU
from engine.datasets import spiral
from engine.layers import Dense
from engine.network import Network
from engine.optimizers import Adam
from engine.training import Trainer

# ---- the textbook implementation -------------------------------------------------------------


class TextbookDense:
    def __init__(self, weights, biases):
        self.weights = weights.copy()
        self.biases = biases.copy()

    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases

    def backward(self, dvalues):
        self.dweights = np.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        self.dinputs = np.dot(dvalues, self.weights.T)


class TextbookReLU:
    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)

    def backward(self, dvalues):
        self.dinputs = dvalues.copy()
        self.dinputs[self.inputs <= 0] = 0


class TextbookSoftmaxCrossEntropy:
    def forward(self, inputs, y_true):
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        clipped = np.clip(self.output, 1e-7, 1 - 1e-7)
        confidences = clipped[range(len(clipped)), y_true]
        return np.mean(-np.log(confidences))

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        self.dinputs = dvalues.copy()
        self.dinputs[range(samples), y_true] -= 1
        self.dinputs = self.dinputs / samples


class TextbookAdam:
    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9, beta_2=0.999):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0
        self.epsilon = epsilon
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def pre_update_params(self):
        if self.decay:
            self.current_learning_rate = self.learning_rate * (1.0 / (1.0 + self.decay * self.iterations))

    def update_params(self, layer):
        if not hasattr(layer, "weight_cache"):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
            layer.bias_cache = np.zeros_like(layer.biases)
        t = self.iterations + 1
        layer.weight_momentums = self.beta_1 * layer.weight_momentums + (1 - self.beta_1) * layer.dweights
        layer.bias_momentums = self.beta_1 * layer.bias_momentums + (1 - self.beta_1) * layer.dbiases
        weight_momentums_corrected = layer.weight_momentums / (1 - self.beta_1**t)
        bias_momentums_corrected = layer.bias_momentums / (1 - self.beta_1**t)
        layer.weight_cache = self.beta_2 * layer.weight_cache + (1 - self.beta_2) * layer.dweights**2
        layer.bias_cache = self.beta_2 * layer.bias_cache + (1 - self.beta_2) * layer.dbiases**2
        weight_cache_corrected = layer.weight_cache / (1 - self.beta_2**t)
        bias_cache_corrected = layer.bias_cache / (1 - self.beta_2**t)
        layer.weights += (
            -self.current_learning_rate
            * weight_momentums_corrected
            / (np.sqrt(weight_cache_corrected) + self.epsilon)
        )
        layer.biases += (
            -self.current_learning_rate
            * bias_momentums_corrected
            / (np.sqrt(bias_cache_corrected) + self.epsilon)
        )

    def post_update_params(self):
        self.iterations += 1


def train_textbook(X, y, initial, epochs):
    dense1 = TextbookDense(*initial[0])
    activation1 = TextbookReLU()
    dense2 = TextbookDense(*initial[1])
    loss_activation = TextbookSoftmaxCrossEntropy()
    optimizer = TextbookAdam(learning_rate=0.05, decay=5e-7)
    accuracy = loss = None
    for _ in range(epochs):
        dense1.forward(X)
        activation1.forward(dense1.output)
        dense2.forward(activation1.output)
        loss = loss_activation.forward(dense2.output, y)
        predictions = np.argmax(loss_activation.output, axis=1)
        accuracy = np.mean(predictions == y)
        loss_activation.backward(loss_activation.output, y)
        dense2.backward(loss_activation.dinputs)
        activation1.backward(dense2.dinputs)
        dense1.backward(activation1.dinputs)
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()
    return float(accuracy), float(loss)


# ---- the engine ------------------------------------------------------------------------------


def train_engine(X, y, initial, epochs):
    # The same initial weights as the textbook loop, in the same dtype.
    dense1, dense2 = Dense(2, 64), Dense(64, 3)
    for layer, (weights, biases) in zip((dense1, dense2), initial):
        layer.weights, layer.biases = weights.copy(), biases.copy()
    network = Network([dense1, ReLU(), dense2])
    trainer = Trainer(network, Adam(learning_rate=0.05, decay=5e-7), X, y)
    report = trainer.run(epochs)
    return report.accuracy, report.loss


def timed(train, X, y, initial, epochs):
    """CPU seconds (this process only, so other load on a shared machine counts less) and the result."""
    start = time.process_time()
    result = train(X, y, initial, epochs)
    return time.process_time() - start, result


def peak_memory(train, X, y, initial, epochs):
    tracemalloc.start()
    train(X, y, initial, epochs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def compare(dtype, epochs, repeats):
    np.random.seed(0)
    X, y = spiral(100, 3)
    X = X.astype(dtype)
    initial = [
        (0.01 * np.random.randn(2, 64).astype(dtype), np.zeros((1, 64), dtype)),
        (0.01 * np.random.randn(64, 3).astype(dtype), np.zeros((1, 3), dtype)),
    ]

    # Alternate the two, so that load from elsewhere on the machine hits both alike; the fastest run
    # of each is the one least disturbed.
    engine_times, book_times = [], []
    for _ in range(repeats):
        seconds, engine_result = timed(train_engine, X, y, initial, epochs)
        engine_times.append(seconds / epochs)
        seconds, book_result = timed(train_textbook, X, y, initial, epochs)
        book_times.append(seconds / epochs)
    engine_time, book_time = min(engine_times), min(book_times)
    engine_peak = peak_memory(train_engine, X, y, initial, 200)
    book_peak = peak_memory(train_textbook, X, y, initial, 200)

    print(
        f"{np.dtype(dtype).name}: capstone configuration, {epochs} epochs, fastest of {repeats} runs "
        f"(CPU time)"
    )
    print(
        f"  textbook loop : {book_time * 1e6:7.1f} us/epoch  final acc {book_result[0]:.3f}  "
        f"loss {book_result[1]:.3f}  peak memory {book_peak / 1024:.0f} KiB"
    )
    print(
        f"  engine        : {engine_time * 1e6:7.1f} us/epoch  final acc {engine_result[0]:.3f}  "
        f"loss {engine_result[1]:.3f}  peak memory {engine_peak / 1024:.0f} KiB"
    )
    print(
        f"  speed-up      : {book_time / engine_time:.2f}x  (target >= 3x); accuracy difference "
        f"{abs(book_result[0] - engine_result[0]):.3f} (target <= 0.01)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10001)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    # float32: the engine's default mode and the notebook's precision; float64: NumPy's default.
    for dtype in (np.float32, np.float64):
        compare(dtype, args.epochs, args.repeats)


if __name__ == "__main__":
    main()
