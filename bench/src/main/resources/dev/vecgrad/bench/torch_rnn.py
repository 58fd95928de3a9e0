#!/usr/bin/env python3
"""PyTorch's side of `vecgrad bench rnn`: nn.LSTM or nn.GRU (input 32, hidden 128 by default) over
T steps and a batch, forward plus backward of sum(output), timed per iteration after a warm-up.
Prints one JSON line: {"cell", "first_ms", "times_ms": [...]}. Thread variables are set by the caller."""
import argparse
import json
import time

import torch

ap = argparse.ArgumentParser()
ap.add_argument("--cell", default="lstm")
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--input", type=int, default=32)
ap.add_argument("--hidden", type=int, default=128)
ap.add_argument("--steps", type=int, default=100)
ap.add_argument("--batch", type=int, default=32)
ap.add_argument("--warmup", type=int, default=10)
ap.add_argument("--iterations", type=int, default=20)
a = ap.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
m = (torch.nn.LSTM if a.cell == "lstm" else torch.nn.GRU)(a.input, a.hidden)
x = torch.randn(a.steps, a.batch, a.input)
times = []
for it in range(a.warmup + a.iterations):
    t0 = time.perf_counter()
    m.zero_grad()
    out, _ = m(x)
    out.sum().backward()
    times.append((time.perf_counter() - t0) * 1e3)
print(json.dumps({"cell": a.cell, "first_ms": times[0], "times_ms": times[a.warmup:]}))
