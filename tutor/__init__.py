"""nntutor: a terminal tutor that teaches neural networks from scratch with NumPy."""

__version__ = "0.1.0"
