"""The notes' Fashion-MNIST network in PyTorch: the baseline of `./vecgrad bench train`.

Same network (784-128-64-10, ReLU, LogSoftmax + NLLLoss), same optimizer (Adam, lr 0.003),
same batch size, the same 90/10 train/validation split sizes and the same pixel scaling as
`./vecgrad demo`. The loop is lean: the whole data set sits in memory as tensors and a batch
is an index_select of a shuffled permutation, so no DataLoader or transform cost is timed.

Prints one JSON object per line: a header, one per epoch (train seconds, validation seconds,
losses and accuracy) and a final one with the test accuracy. The thread count is set with
torch.set_num_threads; the caller also sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS /
MKL_NUM_THREADS because Debian's torch calls OpenBLAS for some operations.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, stem):
    for name in (stem + ".gz", stem):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    raise SystemExit(f"{directory}: no {stem}[.gz]")


def load(directory, split, scaling):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(find(directory, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find(directory, f"{prefix}-labels-idx1-ubyte"))
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    if scaling == "symmetric":
        x = (x - 0.5) / 0.5
    return x, torch.from_numpy(labels.astype(np.int64))


class RedMNIST(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.stack = nn.Sequential(
            nn.Linear(784, 128), nn.ReLU(),
            nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, 10), nn.LogSoftmax(dim=1))

    def forward(self, x):
        return self.stack(self.flatten(x))


def evaluate(model, criterion, x, y, batch):
    model.eval()
    loss = 0.0
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out = model(x[i:i + batch])
            loss += criterion(out, y[i:i + batch]).item() * len(out)
            correct += (out.argmax(1) == y[i:i + batch]).sum().item()
    model.train()
    return loss / len(x), correct / len(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.003)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--scaling", choices=["unit", "symmetric"], default="symmetric")
    ap.add_argument("--val-fraction", type=float, default=0.1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y = load(args.data, "train", args.scaling)
    xt, yt = load(args.data, "test", args.scaling)
    perm = torch.randperm(len(x))
    n_val = int(round(len(x) * args.val_fraction))
    xv, yv = x[perm[:n_val]], y[perm[:n_val]]
    x, y = x[perm[n_val:]].contiguous(), y[perm[n_val:]].contiguous()

    model = RedMNIST()
    criterion = nn.NLLLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "python": sys.executable, "train": len(x), "val": n_val, "test": len(xt)}),
          flush=True)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        running = 0.0
        batches = 0
        for i in range(0, len(x), args.batch_size):
            idx = order[i:i + args.batch_size]
            images, labels = x.index_select(0, idx), y.index_select(0, idx)
            optimizer.zero_grad()
            outputs = model(images)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running += loss.item()
            batches += 1
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        val_loss, val_acc = evaluate(model, criterion, xv, yv, 1000)
        val_seconds = time.perf_counter() - start
        print(json.dumps({"epoch": epoch, "train_seconds": seconds, "train_loss": running / batches,
                          "val_loss": val_loss, "val_accuracy": val_acc, "val_seconds": val_seconds,
                          "samples_per_second": len(x) / seconds}), flush=True)
    test_loss, test_acc = evaluate(model, criterion, xt, yt, 1000)
    print(json.dumps({"test_loss": test_loss, "test_accuracy": test_acc}), flush=True)


if __name__ == "__main__":
    main()
