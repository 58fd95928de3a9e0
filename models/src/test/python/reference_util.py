"""What the PyTorch reference scripts (rnn_reference.py, attention_reference.py) share: seeded inputs rounded to
three decimals, the tensor line format ReferenceText reads ("[d0 d1 ...] v0 v1 ..."), and the loss weights
w = ((i % 5) - 2) / 4 + 1 over each flat output, which the Java tests apply too."""
import torch


def rand_from(generator):
    """A function drawing float64 tensors uniform in [-2, 2), rounded to 3 decimals, from generator."""
    def rand(*shape):
        return (torch.rand(shape, generator=generator, dtype=torch.float64) * 4 - 2).round(decimals=3)
    return rand


def fmt(t):
    return "[" + " ".join(str(s) for s in t.shape) + "] " + " ".join(repr(float(v)) for v in t.reshape(-1).tolist())


def weights_of(t):
    return (torch.arange(t.numel(), dtype=torch.float64).reshape(t.shape) % 5 - 2) / 4 + 1


def write_tensors(lines, kind, named):
    """One line per (name, tensor): 'KIND NAME [shape] values'."""
    for name, t in named:
        lines.append(f"{kind} {name} {fmt(t)}")
