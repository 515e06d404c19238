"""nnplayground: watch a neural network train, one chain-rule step at a time."""

__version__ = "0.1.0"
