#!/usr/bin/env python3
"""The PyTorch module vecgrad's zoo.UNet mirrors, and a check that a deblur run's checkpoints load into it by name.

    /usr/bin/python3 models/src/test/python/unet_torch.py runs/deblur

loads model.safetensors (and model_nonblind.safetensors when present) into UNet with
load_state_dict(strict=True), restores the run's test images from restorations.safetensors (the
blurred input; the network given the kernel also gets the file's Wiener restoration as its second
channel, as deblur gave it) and compares with the restorations vecgrad wrote, and their PSNR.
Needs Debian's python3-torch.
"""
import sys
from pathlib import Path

import torch
from torch import nn

import vecgrad_safetensors


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                         nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class UNet(nn.Module):
    """As vecgrad's dev.vecgrad.models.zoo.UNet: same names, shapes and forward."""

    def __init__(self, in_channels, width, depth):
        super().__init__()
        self.in_channels = in_channels
        self.depth = depth
        c = in_channels
        self.down = nn.ModuleList()
        for level in range(depth):
            self.down.append(block(c, width << level))
            c = width << level
        self.bottleneck = block(c, width << depth)
        self.up = nn.ModuleList(nn.ConvTranspose2d(width << (l + 1), width << l, 2, stride=2) for l in reversed(range(depth)))
        self.dec = nn.ModuleList(block(2 * (width << l), width << l) for l in reversed(range(depth)))
        self.head = nn.Conv2d(width, 1, 1)
        nn.init.zeros_(self.head.weight)  # as vecgrad's UNet: the network starts as the identity on its last input channel
        nn.init.zeros_(self.head.bias)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        skips = []
        h = x
        for d in self.down:
            h = d(h)
            skips.append(h)
            h = self.pool(h)
        h = self.bottleneck(h)
        for i in range(self.depth):
            h = self.up[i](h)
            h = self.dec[i](torch.cat([h, skips[self.depth - 1 - i]], 1))
        return x[:, self.in_channels - 1:self.in_channels] + self.head(h)


def psnr(a, b):
    mse = ((a.double() - b.double()) ** 2).mean(dim=(1, 2))
    return (10 * torch.log10(1 / mse)).mean().item()


def main():
    run = Path(sys.argv[1])
    saved, _ = vecgrad_safetensors.read(run / "restorations.safetensors")
    for file, key in (("model.safetensors", "network"), ("model_nonblind.safetensors", "network_nonblind")):
        if not (run / file).exists():
            continue
        tensors, meta = vecgrad_safetensors.read(run / file)
        cin, width, depth = (int(meta[k]) for k in ("vecgrad.in_channels", "vecgrad.width", "vecgrad.depth"))
        model = UNet(cin, width, depth)
        model.load_state_dict(tensors, strict=True)
        model.eval()
        x = saved["blurred"].unsqueeze(1)
        if cin == 2:
            x = torch.cat([x, saved["wiener"].unsqueeze(1)], 1)
        with torch.no_grad():
            out = model(x).squeeze(1).clamp(0, 1)
        theirs = saved[key]
        print(f"{file}: loaded by name into PyTorch's UNet({cin}, {width}, {depth}); on {len(x)} test images the largest "
              f"difference to vecgrad's restoration is {(out - theirs).abs().max().item():.2e}; PSNR {psnr(out, saved['sharp']):.2f} dB "
              f"(vecgrad's {psnr(theirs, saved['sharp']):.2f} dB)")


if __name__ == "__main__":
    main()
