#!/usr/bin/env python3
"""Writes rnn_reference.txt: PyTorch's outputs and gradients for vecgrad's recurrent modules.

Run with an interpreter that has PyTorch (Debian's python3-torch):
    /usr/bin/python3 models/src/test/python/rnn_reference.py
Every case builds the PyTorch module in float64 with seeded weights, runs it, and backpropagates
L = sum over the outputs of sum(w * out) with w = ((i % 5) - 2) / 4 + 1 over each flat output.
RecurrentReferenceTest loads the weights by name into the vecgrad module and compares.
"""
from pathlib import Path

import torch
from torch import nn

from reference_util import fmt, rand_from, weights_of, write_tensors
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)
G = torch.Generator().manual_seed(1)
rand = rand_from(G)


CASES = [
    # name, kind, input, hidden, layers, bidirectional, batch_first, bias, nonlinearity, T, B, with_state, lengths
    ("rnn_tanh", "RNN", 3, 4, 1, False, False, True, "tanh", 5, 2, False, None),
    ("rnn_relu_two_layers_state", "RNN", 3, 4, 2, False, False, True, "relu", 4, 3, True, None),
    ("lstm_one_layer", "LSTM", 3, 4, 1, False, False, True, None, 5, 2, False, None),
    ("lstm_two_layers_bidirectional_state", "LSTM", 3, 4, 2, True, False, True, None, 4, 2, True, None),
    ("lstm_batch_first_no_bias", "LSTM", 2, 3, 1, False, True, False, None, 4, 3, False, None),
    ("lstm_variable_lengths_bidirectional", "LSTM", 3, 4, 1, True, False, True, None, 6, 3, True, [6, 2, 4]),
    ("lstm_60_steps", "LSTM", 2, 3, 1, False, False, True, None, 60, 2, False, None),
    ("gru_one_layer", "GRU", 3, 4, 1, False, False, True, None, 5, 2, False, None),
    ("gru_two_layers_bidirectional_state", "GRU", 3, 4, 2, True, True, True, None, 4, 2, True, None),
    ("gru_variable_lengths", "GRU", 3, 4, 2, False, False, True, None, 5, 3, True, [5, 1, 3]),
]


def module_case(lines, name, kind, inp, hid, layers, bidir, batch_first, bias, nonlin, T, B, with_state, lengths):
    kwargs = dict(num_layers=layers, bidirectional=bidir, batch_first=batch_first, bias=bias, dtype=torch.float64)
    if kind == "RNN":
        kwargs["nonlinearity"] = nonlin
    m = getattr(nn, kind)(inp, hid, **kwargs)
    for p in m.parameters():
        with torch.no_grad():
            p.copy_(rand(*p.shape))
    dirs = 2 if bidir else 1
    x = rand(*((B, T, inp) if batch_first else (T, B, inp))).requires_grad_(True)
    inputs = [("input", x)]
    state = None
    if with_state:
        h0 = rand(layers * dirs, B, hid).requires_grad_(True)
        inputs.append(("h0", h0))
        state = h0
        if kind == "LSTM":
            c0 = rand(layers * dirs, B, hid).requires_grad_(True)
            inputs.append(("c0", c0))
            state = (h0, c0)
    if lengths is None:
        out, st = m(x, state) if state is not None else m(x)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out, st = m(packed, state) if state is not None else m(packed)
        out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=T)
    outs = [("output", out)]
    if kind == "LSTM":
        outs += [("h_n", st[0]), ("c_n", st[1])]
    else:
        outs += [("h_n", st)]
    sum((o * weights_of(o)).sum() for _, o in outs).backward()
    lines.append(f"case {name}")
    lines.append(f"config kind={kind} input={inp} hidden={hid} layers={layers} bidirectional={int(bidir)} "
                 f"batch_first={int(batch_first)} bias={int(bias)} nonlinearity={nonlin or 'tanh'}"
                 + (f" lengths={','.join(str(v) for v in lengths)}" if lengths else ""))
    write_tensors(lines, "param", ((n, p.detach()) for n, p in m.named_parameters()))
    write_tensors(lines, "in", ((n, t.detach()) for n, t in inputs))
    write_tensors(lines, "out", ((n, t.detach()) for n, t in outs))
    write_tensors(lines, "grad", ((n, t.grad) for n, t in inputs))
    write_tensors(lines, "grad", ((n, p.grad) for n, p in m.named_parameters()))


def cell_case(lines, name, kind, inp, hid, B, bias):
    m = getattr(nn, kind)(inp, hid, bias=bias, dtype=torch.float64)
    for p in m.parameters():
        with torch.no_grad():
            p.copy_(rand(*p.shape))
    x = rand(B, inp).requires_grad_(True)
    h = rand(B, hid).requires_grad_(True)
    inputs = [("input", x), ("h0", h)]
    if kind == "LSTMCell":
        c = rand(B, hid).requires_grad_(True)
        inputs.append(("c0", c))
        h1, c1 = m(x, (h, c))
        outs = [("h_n", h1), ("c_n", c1)]
    else:
        outs = [("h_n", m(x, h))]
    sum((o * weights_of(o)).sum() for _, o in outs).backward()
    lines.append(f"case {name}")
    lines.append(f"config kind={kind} input={inp} hidden={hid} bias={int(bias)}")
    write_tensors(lines, "param", ((n, p.detach()) for n, p in m.named_parameters()))
    write_tensors(lines, "in", ((n, t.detach()) for n, t in inputs))
    write_tensors(lines, "out", ((n, t.detach()) for n, t in outs))
    write_tensors(lines, "grad", ((n, t.grad) for n, t in inputs))
    write_tensors(lines, "grad", ((n, p.grad) for n, p in m.named_parameters()))


def embedding_case(lines):
    m = nn.Embedding(6, 3, padding_idx=2, dtype=torch.float64)
    with torch.no_grad():
        m.weight.copy_(rand(6, 3))
    idx = torch.tensor([[1, 2, 5], [1, 1, 0]])
    out = m(idx)
    (out * weights_of(out)).sum().backward()
    lines.append("case embedding_padding_repeats")
    lines.append("config kind=Embedding num=6 dim=3 padding_idx=2")
    lines.append(f"param weight {fmt(m.weight.detach())}")
    lines.append(f"in indices {fmt(idx.double())}")
    lines.append(f"out output {fmt(out.detach())}")
    lines.append(f"grad weight {fmt(m.weight.grad)}")


def main():
    lines = [f"# PyTorch {torch.__version__}: generated by rnn_reference.py; do not edit"]
    for case in CASES:
        module_case(lines, *case)
    cell_case(lines, "rnn_cell", "RNNCell", 3, 4, 2, True)
    cell_case(lines, "lstm_cell", "LSTMCell", 3, 4, 2, True)
    cell_case(lines, "gru_cell_no_bias", "GRUCell", 3, 4, 2, False)
    embedding_case(lines)
    out = Path(__file__).resolve().parents[1] / "resources" / "rnn_reference.txt"
    out.write_text("\n".join(lines) + "\n")
    print("wrote", out, sum(1 for l in lines if l.startswith("case ")), "cases")


if __name__ == "__main__":
    main()
