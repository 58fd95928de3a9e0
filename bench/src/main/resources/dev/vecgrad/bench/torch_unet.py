"""The PyTorch module vecgrad's dev.vecgrad.models.zoo.UNet mirrors: same parameter names, shapes, initial head and
forward. Imported by torch_cnn.py (the U-Net training step of `vecgrad bench conv`) and by
models/src/test/python/unet_torch.py (the check that deblur's checkpoints load into it)."""
import torch
from torch import nn


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
