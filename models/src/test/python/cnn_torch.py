#!/usr/bin/env python3
"""Loads a vecgrad CNN checkpoint into the same PyTorch modules by name and scores it on Fashion-MNIST's test set.

    /usr/bin/python3 models/src/test/python/cnn_torch.py runs/cnn-fashion-mnist/model.safetensors

The module is the nn.Sequential pair vecgrad's zoo.Cnn mirrors (features.0/3 convolutions,
classifier.1/3 linear layers); load_state_dict(strict=True) takes the file's tensors as they are.
The images are scaled as the checkpoint's vecgrad.scaling says (symmetric: x / 127.5 - 1).
Needs Debian's python3-torch and dataset-fashion-mnist.
"""
import gzip
import struct
import sys

import numpy as np
import torch
from torch import nn

import vecgrad_safetensors

DATA = "/usr/share/datasets/fashion-mnist"



def idx(name):
    with gzip.open(f"{DATA}/{name}") as f:
        raw = f.read()
    dims = raw[3]
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    tensors, meta = vecgrad_safetensors.read(sys.argv[1])
    side, c1, c2, hidden, classes = (int(v) for v in meta["vecgrad.sizes"].split(","))
    model = nn.Module()
    model.features = nn.Sequential(nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                   nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    model.classifier = nn.Sequential(nn.Flatten(), nn.Linear(c2 * (side // 4) ** 2, hidden), nn.ReLU(), nn.Linear(hidden, classes))
    model.load_state_dict(tensors, strict=True)
    x = torch.tensor(idx("t10k-images-idx3-ubyte.gz"), dtype=torch.float32)
    x = x / 127.5 - 1 if meta.get("vecgrad.scaling") == "symmetric" else x / 255
    y = torch.tensor(idx("t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    with torch.no_grad():
        logits = model.classifier(model.features(x.reshape(-1, 1, side, side)))
    acc = (logits.argmax(1) == y).double().mean().item()
    print(f"PyTorch, the checkpoint's weights loaded by name: test accuracy {100 * acc:.2f}% "
          f"(vecgrad recorded {100 * float(meta['vecgrad.test_accuracy']):.2f}%)")


if __name__ == "__main__":
    main()
