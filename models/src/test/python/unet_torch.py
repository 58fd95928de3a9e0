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

import vecgrad_safetensors

# the module itself is the bench's, so that the benchmark times the network these checks load into
sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "bench/src/main/resources/dev/vecgrad/bench"))
from torch_unet import UNet  # noqa: E402


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
