"""The tutorial's naive two-layer class, re-implemented as a reference: allocation in every
expression, no biases, sigmoid, sum-of-squares loss, learning rate 1."""
import numpy as np


def sigmoid(x):
    return 1.0 / (1 + np.exp(-x))


def sigmoid_derivative(x):
    return x * (1.0 - x)


class NaiveNetwork:
    def __init__(self, x, y, weights1, weights2):
        self.input = x
        self.weights1 = np.array(weights1, dtype=float)
        self.weights2 = np.array(weights2, dtype=float)
        self.y = y
        self.output = np.zeros(self.y.shape)

    def feedforward(self):
        self.layer1 = sigmoid(np.dot(self.input, self.weights1))
        self.output = sigmoid(np.dot(self.layer1, self.weights2))

    def backprop(self):
        d_weights2 = np.dot(self.layer1.T, (2 * (self.y - self.output) * sigmoid_derivative(self.output)))
        d_weights1 = np.dot(
            self.input.T,
            (np.dot(2 * (self.y - self.output) * sigmoid_derivative(self.output), self.weights2.T)
             * sigmoid_derivative(self.layer1)),
        )
        self.weights1 += d_weights1
        self.weights2 += d_weights2


def train_naive(nn, iterations, record_loss=True):
    """The tutorial's loop; with record_loss, also the loss per iteration its plot shows."""
    losses = []
    for _ in range(iterations):
        nn.feedforward()
        if record_loss:
            losses.append(np.sum((nn.y - nn.output) ** 2))
        nn.backprop()
    return losses
