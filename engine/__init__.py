"""A small NumPy neural-network engine, written to be read.

layers.py       Dense, Dropout
activations.py  Step, Sigmoid, ReLU, Linear, Softmax
losses.py       cross-entropy, squared and absolute error, the fused softmax + cross-entropy, accuracy
optimizers.py   SGD (with decay and momentum), Adagrad, RMSprop, Adam
network.py      Network: a classifier built from the pieces above
training.py     Trainer: the epoch loop, with reports and a cooperative stop
datasets.py     spiral, vertical and sine data; the notebook's nnfs.init() set-up
"""
