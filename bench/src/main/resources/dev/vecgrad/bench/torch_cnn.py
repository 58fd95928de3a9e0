#!/usr/bin/env python3
"""PyTorch's side of `vecgrad bench conv`: one training step (forward, cross-entropy, backward, Adam) of the
zoo's LeNet-like CNN (conv 1->32 3x3 pad 1, relu, maxpool 2, conv 32->64, relu, maxpool 2, linear 3136->128,
relu, linear 128->10) on a batch of 64 28x28 images, timed per iteration after a warm-up; one of deblur's U-Net
(torch_unet.UNet(1, 16, 2): width 16, two levels, batch norm, 32 images of 28x28, MSE, Adam); and conv2d
forward+backward alone (conv2d or conv_transpose2d, input and weight gradients) for the shapes given as
"op N,C,H,W,O,k,stride,padding" separated by ";" (vecgrad's ConvSuite.SHAPES). Prints JSON lines. Thread variables are set by the caller."""
import argparse
import json
import time

import torch
from torch import nn
import torch.nn.functional as F

from torch_unet import UNet

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--warmup", type=int, default=10)
ap.add_argument("--iterations", type=int, default=20)
ap.add_argument("--shapes", default="conv2d 64,32,14,14,64,3,1,1")
a = ap.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)


def timed(step):
    times = []
    for _ in range(a.warmup + a.iterations):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    return times[0], times[a.warmup:]


m = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                  nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(m.parameters(), 0.001)
x = torch.randn(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))


def report(what, step):
    first, times = timed(step)
    print(json.dumps({"what": what, "first_ms": first, "times_ms": times}))


def training(model, optimizer, loss):
    """One training step of model: zero_grad, loss(model).backward(), step."""
    def step():
        optimizer.zero_grad()
        loss(model).backward()
        optimizer.step()
    return step


report("cnn_step", training(m, opt, lambda net: F.cross_entropy(net(x), y)))
unet = UNet(1, 16, 2)
ux = torch.randn(32, 1, 28, 28)
uy = torch.randn(32, 1, 28, 28)
report("unet_step", training(unet, torch.optim.Adam(unet.parameters(), 0.002), lambda net: F.mse_loss(net(ux), uy)))
for spec in a.shapes.split(";"):
    op, dims = spec.split(" ")
    n, c, h, w, o, k, s, p = (int(v) for v in dims.split(","))
    xi = torch.randn(n, c, h, w, requires_grad=True)
    if op == "conv_transpose2d":
        wt = torch.randn(c, o, k, k, requires_grad=True)

        def conv_step():
            F.conv_transpose2d(xi, wt, stride=s, padding=p).sum().backward()
    else:
        wt = torch.randn(o, c, k, k, requires_grad=True)

        def conv_step():
            F.conv2d(xi, wt, stride=s, padding=p).sum().backward()

    report(spec, conv_step)
