#!/usr/bin/env python3
"""Writes attention_reference.txt: PyTorch's outputs and gradients for vecgrad's MultiheadAttention and
TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer and Transformer (dropout 0).

Run with an interpreter that has PyTorch (Debian's python3-torch):
    /usr/bin/python3 models/src/test/python/attention_reference.py
Every case builds nn.MultiheadAttention in float64 with seeded weights, runs it, and backpropagates
L = sum over the outputs of sum(w * out) with w = ((i % 5) - 2) / 4 + 1 over each flat output (the
attention output, and the head-averaged weights when returned). AttentionReferenceTest loads
the weights by name into vecgrad's module and compares. Masks are written as 0/1, 1 = masked out.
"""
from pathlib import Path

import torch
from torch import nn

from reference_util import fmt, rand_from, weights_of, write_tensors

torch.manual_seed(0)
G = torch.Generator().manual_seed(1)
rand = rand_from(G)


CASES = [
    # name, E, heads, L, S, N, batch_first, bias, self attention, key padding, causal, need weights
    ("self_attention", 6, 2, 4, 4, 2, False, True, True, False, False, True),
    ("cross_attention_padding_causal", 8, 4, 5, 5, 3, False, True, False, True, True, True),
    ("batch_first_no_bias_no_weights", 6, 3, 3, 4, 2, True, False, False, True, False, False),
]


def case(lines, name, E, H, L, S, N, batch_first, bias, self_attention, padding, causal, need_weights):
    m = nn.MultiheadAttention(E, H, bias=bias, batch_first=batch_first, dtype=torch.float64)
    for p in m.parameters():
        with torch.no_grad():
            p.copy_(rand(*p.shape) / 2)
    shape_q = (N, L, E) if batch_first else (L, N, E)
    shape_k = (N, S, E) if batch_first else (S, N, E)
    q = rand(*shape_q).requires_grad_(True)
    inputs = [("query", q)]
    if self_attention:
        k = v = q
    else:
        k = rand(*shape_k).requires_grad_(True)
        v = rand(*shape_k).requires_grad_(True)
        inputs += [("key", k), ("value", v)]
    masks = []
    kpm = None
    am = None
    if padding:
        kpm = torch.zeros(N, S, dtype=torch.bool)
        kpm[0, S - 1] = True
        kpm[N - 1, 1] = True   # with the causal mask, every query still has a key to attend to
        masks.append(("key_padding_mask", kpm))
    if causal:
        am = torch.ones(L, S, dtype=torch.bool).triu(1)
        masks.append(("attn_mask", am))
    out, w = m(q, k, v, key_padding_mask=kpm, need_weights=need_weights, attn_mask=am)
    outs = [("output", out)] + ([("weights", w)] if need_weights else [])
    sum((o * weights_of(o)).sum() for _, o in outs).backward()
    lines.append(f"case {name}")
    lines.append(f"config embed={E} heads={H} batch_first={int(batch_first)} bias={int(bias)} self={int(self_attention)}"
                 f" need_weights={int(need_weights)}")
    write_tensors(lines, "param", ((n, p.detach()) for n, p in m.named_parameters()))
    write_tensors(lines, "in", ((n, t.detach()) for n, t in inputs))
    write_tensors(lines, "mask", ((n, t.double()) for n, t in masks))
    write_tensors(lines, "out", ((n, t.detach()) for n, t in outs))
    write_tensors(lines, "grad", ((n, t.grad) for n, t in inputs))
    write_tensors(lines, "grad", ((n, p.grad) for n, p in m.named_parameters()))


ENCODER_CASES = [
    # name, d_model, heads, feed-forward, activation, batch_first, norm_first, T, N, key padding, causal
    ("encoder_post_norm_relu", 8, 2, 16, "relu", False, False, 4, 2, False, True),
    ("encoder_norm_first_gelu_batch_first_padding", 6, 3, 10, "gelu", True, True, 5, 2, True, False),
]


def encoder_case(lines, name, E, H, F_, activation, batch_first, norm_first, T, N, padding, causal):
    m = nn.TransformerEncoderLayer(E, H, F_, dropout=0.0, activation=activation, batch_first=batch_first, norm_first=norm_first,
                                   dtype=torch.float64)
    for p in m.parameters():
        with torch.no_grad():
            p.copy_(rand(*p.shape) / 2)
    x = rand(*((N, T, E) if batch_first else (T, N, E))).requires_grad_(True)
    kpm = None
    am = None
    masks = []
    if padding:
        kpm = torch.zeros(N, T, dtype=torch.bool)
        kpm[0, T - 1] = True
        masks.append(("key_padding_mask", kpm))
    if causal:
        am = torch.ones(T, T, dtype=torch.bool).triu(1)
        masks.append(("attn_mask", am))
    out = m(x, src_mask=am, src_key_padding_mask=kpm)
    (out * weights_of(out)).sum().backward()
    lines.append(f"case {name}")
    lines.append(f"config embed={E} heads={H} feedforward={F_} activation={activation} batch_first={int(batch_first)}"
                 f" norm_first={int(norm_first)}")
    write_tensors(lines, "param", ((n, p.detach()) for n, p in m.named_parameters()))
    lines.append(f"in query {fmt(x.detach())}")
    write_tensors(lines, "mask", ((n, t.double()) for n, t in masks))
    lines.append(f"out output {fmt(out.detach())}")
    lines.append(f"grad query {fmt(x.grad)}")
    write_tensors(lines, "grad", ((n, p.grad) for n, p in m.named_parameters()))


def stack_case(lines):
    """nn.TransformerEncoder of two post-norm layers and a final LayerNorm, each layer with its own weights."""
    E, H, F_, T, N = 6, 2, 12, 4, 2
    layer = nn.TransformerEncoderLayer(E, H, F_, dropout=0.0, dtype=torch.float64)
    m = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(E, dtype=torch.float64), enable_nested_tensor=False)
    for p in m.parameters():
        with torch.no_grad():
            p.copy_(rand(*p.shape) / 2)
    x = rand(T, N, E).requires_grad_(True)
    am = torch.ones(T, T, dtype=torch.bool).triu(1)
    out = m(x, mask=am)
    (out * weights_of(out)).sum().backward()
    lines.append("case stack_two_layers_norm")
    lines.append(f"config embed={E} heads={H} feedforward={F_} layers=2 batch_first=0")
    write_tensors(lines, "param", ((n, p.detach()) for n, p in m.named_parameters()))
    lines.append(f"in query {fmt(x.detach())}")
    lines.append(f"mask attn_mask {fmt(am.double())}")
    lines.append(f"out output {fmt(out.detach())}")
    lines.append(f"grad query {fmt(x.grad)}")
    write_tensors(lines, "grad", ((n, p.grad) for n, p in m.named_parameters()))


DECODER_CASES = [
    # name, d_model, heads, feed-forward, activation, batch_first, norm_first, T, S, N
    ("decoder_post_norm_relu", 6, 2, 12, "relu", False, False, 4, 5, 2),
    ("decoder_norm_first_gelu_batch_first", 8, 4, 10, "gelu", True, True, 3, 4, 2),
]


def decoder_case(lines, name, E, H, F_, activation, batch_first, norm_first, T, S, N):
    m = nn.TransformerDecoderLayer(E, H, F_, dropout=0.0, activation=activation, batch_first=batch_first, norm_first=norm_first,
                                   dtype=torch.float64)
    for p in m.parameters():
        with torch.no_grad():
            p.copy_(rand(*p.shape) / 2)
    tgt = rand(*((N, T, E) if batch_first else (T, N, E))).requires_grad_(True)
    memory = rand(*((N, S, E) if batch_first else (S, N, E))).requires_grad_(True)
    tm = torch.ones(T, T, dtype=torch.bool).triu(1)
    mkpm = torch.zeros(N, S, dtype=torch.bool)
    mkpm[N - 1, 0] = True
    out = m(tgt, memory, tgt_mask=tm, memory_key_padding_mask=mkpm)
    (out * weights_of(out)).sum().backward()
    lines.append(f"case {name}")
    lines.append(f"config embed={E} heads={H} feedforward={F_} activation={activation} batch_first={int(batch_first)}"
                 f" norm_first={int(norm_first)}")
    write_tensors(lines, "param", ((n, p.detach()) for n, p in m.named_parameters()))
    lines.append(f"in query {fmt(tgt.detach())}")
    lines.append(f"in memory {fmt(memory.detach())}")
    lines.append(f"mask attn_mask {fmt(tm.double())}")
    lines.append(f"mask memory_key_padding_mask {fmt(mkpm.double())}")
    lines.append(f"out output {fmt(out.detach())}")
    lines.append(f"grad query {fmt(tgt.grad)}")
    lines.append(f"grad memory {fmt(memory.grad)}")
    write_tensors(lines, "grad", ((n, p.grad) for n, p in m.named_parameters()))


def transformer_case(lines):
    """nn.Transformer with one encoder and two decoder layers: causal target mask, source padding."""
    E, H, F_, S, T, N = 6, 2, 8, 5, 4, 2
    m = nn.Transformer(E, H, 1, 2, F_, dropout=0.0, dtype=torch.float64)
    for p in m.parameters():
        with torch.no_grad():
            p.copy_(rand(*p.shape) / 2)
    src = rand(S, N, E).requires_grad_(True)
    tgt = rand(T, N, E).requires_grad_(True)
    tm = m.generate_square_subsequent_mask(T).isinf()
    kpm = torch.zeros(N, S, dtype=torch.bool)
    kpm[1, S - 1] = True
    out = m(src, tgt, tgt_mask=tm, src_key_padding_mask=kpm, memory_key_padding_mask=kpm)
    (out * weights_of(out)).sum().backward()
    lines.append("case transformer_one_encoder_two_decoder_layers")
    lines.append(f"config embed={E} heads={H} feedforward={F_} encoder_layers=1 decoder_layers=2 batch_first=0")
    write_tensors(lines, "param", ((n, p.detach()) for n, p in m.named_parameters()))
    lines.append(f"in query {fmt(src.detach())}")
    lines.append(f"in target {fmt(tgt.detach())}")
    lines.append(f"mask attn_mask {fmt(tm.double())}")
    lines.append(f"mask key_padding_mask {fmt(kpm.double())}")
    lines.append(f"out output {fmt(out.detach())}")
    lines.append(f"grad query {fmt(src.grad)}")
    lines.append(f"grad target {fmt(tgt.grad)}")
    write_tensors(lines, "grad", ((n, p.grad) for n, p in m.named_parameters()))


def main():
    lines = [f"# PyTorch {torch.__version__}: generated by attention_reference.py; do not edit"]
    for c in CASES:
        case(lines, *c)
    for c in ENCODER_CASES:
        encoder_case(lines, *c)
    stack_case(lines)
    for c in DECODER_CASES:
        decoder_case(lines, *c)
    transformer_case(lines)
    out = Path(__file__).resolve().parents[1] / "resources" / "attention_reference.txt"
    out.write_text("\n".join(lines) + "\n")
    print("wrote", out, len(CASES) + len(ENCODER_CASES) + 2 + len(DECODER_CASES), "cases")


if __name__ == "__main__":
    main()
