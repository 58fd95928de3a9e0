#!/usr/bin/env python3
"""An independent check of a deblur run: the table recomputed from its restorations, and a TV
deconvolution written apart from vecgrad's, given every advantage.

    /usr/bin/python3 app/src/test/python/deblur_check.py runs/deblur [--iterations 1500]

Reads restorations.safetensors (the test images, their blurred inputs and kernels, and every
method's output) and prints:

1. each method's mean PSNR, overall and per kernel kind, computed here from the file (10 log10
   of 1 / MSE, images in [0, 1]): it must match deblur's table;
2. total-variation deconvolution done independently of vecgrad's: a different algorithm (FISTA,
   an accelerated projected gradient, on a Huber-smoothed isotropic TV, eps 1e-3, with the box
   [0, 1] as the projection) in different code (PyTorch's conv2d, every test image at once),
   run for many more iterations than deblur's 200, with its weight lambda chosen ON THE TEST
   IMAGES from a grid (an oracle choice: it can only flatter TV). Where this TV stays below the
   network, the network's lead over vecgrad's TV is not an artefact of an under-tuned or
   unconverged baseline.

The blur model is deblur's: 'same'-size convolution with zeros outside the 28x28 image (true
convolution, so PyTorch's cross-correlation gets the flipped kernel). Needs Debian's
python3-torch; on 2 cores (AMD EPYC Zen 5), 1000 images take 12-19 s per 100 iterations per lambda.
"""
import argparse
import math
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "models/src/test/python"))
import vecgrad_safetensors  # noqa: E402


def psnr(x, sharp):
    """PSNR of each image in dB (peak 1)."""
    mse = ((x.double() - sharp.double()) ** 2).flatten(1).mean(1)
    return 10 * torch.log10(1 / mse.clamp_min(1e-12))


def blur(x, kernels, transposed=False):
    """Each image of x [N, H, W] convolved with its kernel [N, K, K], zeros outside; transposed: the adjoint."""
    n, k = kernels.shape[0], kernels.shape[-1]
    weight = kernels if transposed else kernels.flip(-1, -2)
    out = F.conv2d(x.unsqueeze(0), weight.unsqueeze(1), padding=k // 2, groups=n)
    return out.squeeze(0)


def tv_grad(x, eps):
    """Gradient of sum sqrt(dx^2 + dy^2 + eps^2) (forward differences, 0 past the last row and column)."""
    dx = torch.zeros_like(x)
    dy = torch.zeros_like(x)
    dx[:, :, :-1] = x[:, :, 1:] - x[:, :, :-1]
    dy[:, :-1, :] = x[:, 1:, :] - x[:, :-1, :]
    norm = torch.sqrt(dx * dx + dy * dy + eps * eps)
    px, py = dx / norm, dy / norm
    # D^T p: minus the divergence
    g = torch.zeros_like(x)
    g[:, :, :-1] -= px[:, :, :-1]
    g[:, :, 1:] += px[:, :, :-1]
    g[:, :-1, :] -= py[:, :-1, :]
    g[:, 1:, :] += py[:, :-1, :]
    return g


def tv_deconvolve(blurred, kernels, lam, iterations, eps=1e-3):
    """FISTA on 0.5 |k * x - y|^2 + lam TV_eps(x) over x in [0, 1]^(H x W), from x = clip(y)."""
    lipschitz = 1 + lam * 8 / eps   # |K| <= 1 (non-negative kernels of mass 1), |D|^2 <= 8, Huber curvature 1 / eps
    step = 1 / lipschitz
    x = blurred.clamp(0, 1)
    z = x.clone()
    t = 1.0
    for _ in range(iterations):
        grad = blur(blur(z, kernels) - blurred, kernels, transposed=True) + lam * tv_grad(z, eps)
        x_next = (z - step * grad).clamp(0, 1)
        t_next = (1 + math.sqrt(1 + 4 * t * t)) / 2
        z = x_next + ((t - 1) / t_next) * (x_next - x)
        x, t = x_next, t_next
    return x


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a deblur run's folder (holds restorations.safetensors)")
    parser.add_argument("--iterations", type=int, default=1500, help="FISTA iterations (default 1500)")
    parser.add_argument("--lambdas", default="0.0005,0.001,0.002,0.004,0.008,0.016",
                        help="the TV weights tried, comma-separated")
    args = parser.parse_args()
    torch.set_num_threads(2)
    tensors, meta = vecgrad_safetensors.read(args.run / "restorations.safetensors")
    sharp = tensors["sharp"].double()
    blurred = tensors["blurred"].double()
    kernels = tensors["kernels"].double()
    kinds = meta["vecgrad.kinds"].split("|")
    groups = {kind: torch.tensor([k == kind for k in kinds]) for kind in sorted(set(kinds))}

    def line(name, x):
        p = psnr(x, sharp)
        per_kind = "  ".join(f"{kind} {p[mask].mean():.2f}" for kind, mask in groups.items())
        print(f"  {name:<34} {p.mean():6.2f} dB   {per_kind}")
        return p

    print(f"{args.run}: {len(kinds)} test images, noise {meta.get('vecgrad.noise')}, "
          f"{kernels.shape[-1]}x{kernels.shape[-1]} kernels")
    residual = blurred - blur(sharp, kernels)
    print(f"blur model check: std(blurred - kernel * sharp) = {residual.std():.4f}, the noise deblur added "
          f"(a wrong convolution convention would leave blur in it)")
    print("PSNR recomputed from restorations.safetensors:")
    line("blurred input (clipped)", blurred.clamp(0, 1))
    results = {}
    for name in ("wiener", "rl", "tv", "network_nonblind", "network"):
        if name in tensors:
            results[name] = line(name, tensors[name])
    print(f"independent TV (FISTA, Huber eps 1e-3, {args.iterations} iterations, lambda chosen on these test images):")
    best = None
    for lam in (float(v) for v in args.lambdas.split(",")):
        x = tv_deconvolve(blurred, kernels, lam, args.iterations)
        p = line(f"lambda {lam:g}", x)
        if best is None or p.mean() > best[1].mean():
            best = (lam, p)
    lam, p = best
    print(f"best independent TV: lambda {lam:g}, {p.mean():.2f} dB; vecgrad's TV (lambda {meta.get('vecgrad.tv_lambda')}, "
          f"tuned on training images): {results['tv'].mean():.2f} dB")
    for name in ("network", "network_nonblind"):
        if name in results:
            d = results[name] - p
            half = 1.96 * d.std() / math.sqrt(len(d))
            print(f"{name} minus the best independent TV: {d.mean():+.2f} dB (95% interval {d.mean() - half:+.2f} to "
                  f"{d.mean() + half:+.2f}), wins {100 * (d > 0).double().mean():.0f}% of the images")


if __name__ == "__main__":
    main()
