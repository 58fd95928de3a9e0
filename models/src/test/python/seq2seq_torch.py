#!/usr/bin/env python3
"""Loads a vecgrad seq2seq checkpoint into the equivalent PyTorch module, by name, and translates.

    /usr/bin/python3 models/src/test/python/seq2seq_torch.py runs/seq2seq-dates/model.safetensors "27 de noviembre de 2026" ...

The module below has vecgrad's parameter names (encoder.rnn.weight_ih_l0_reverse, attention.key.weight,
...), so load_state_dict(strict=True) takes the file's tensors as they are; the translations it prints
are what `./vecgrad translate` prints. Needs Debian's python3-torch; reads safetensors with the
standard library and torch (no safetensors package).
"""
import sys

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import vecgrad_safetensors

PAD, SOS, EOS, UNK = 0, 1, 2, 3


class Seq2Seq(nn.Module):
    def __init__(self, src_alphabet, tgt_alphabet, emb, enc, dec, att):
        super().__init__()
        self.src, self.tgt = src_alphabet, tgt_alphabet
        self.encoder = nn.Module()
        self.encoder.embedding = nn.Embedding(len(src_alphabet) + 4, emb, padding_idx=PAD)
        self.encoder.rnn = nn.GRU(emb, enc, bidirectional=True)
        self.bridge = nn.Linear(2 * enc, dec)
        self.decoder = nn.Module()
        self.decoder.embedding = nn.Embedding(len(tgt_alphabet) + 4, emb, padding_idx=PAD)
        self.decoder.cell = nn.GRUCell(emb + 2 * enc, dec)
        self.attention = nn.Module()
        self.attention.query = nn.Linear(dec, att, bias=False)
        self.attention.key = nn.Linear(2 * enc, att, bias=False)
        self.attention.v = nn.Linear(att, 1, bias=False)
        self.out = nn.Linear(dec + 2 * enc, len(tgt_alphabet) + 4)

    def encode(self, texts):
        ids = [[self.src.index(c) + 4 if c in self.src else UNK for c in t] + [EOS] for t in texts]
        lengths = [len(i) for i in ids]
        steps = max(lengths)
        x = torch.tensor([[i[t] if t < len(i) else PAD for i in ids] for t in range(steps)])
        packed = pack_padded_sequence(self.encoder.embedding(x), torch.tensor(lengths), enforce_sorted=False)
        out, h = self.encoder.rnn(packed)
        out, _ = pad_packed_sequence(out, total_length=steps)
        keys = out.transpose(0, 1)
        pad = torch.tensor([[t >= n for t in range(steps)] for n in lengths])
        return keys, self.attention.key(keys), pad, torch.tanh(self.bridge(torch.cat([h[0], h[1]], 1)))

    @torch.no_grad()
    def translate(self, texts, max_length=12):
        keys, projected, pad, s = self.encode(texts)
        prev = torch.full((len(texts),), SOS)
        outs = [[] for _ in texts]
        for _ in range(max_length + 1):
            scores = self.attention.v(torch.tanh(projected + self.attention.query(s).unsqueeze(1))).squeeze(-1)
            weights = torch.softmax(scores.masked_fill(pad, -1e9), -1)
            context = torch.bmm(weights.unsqueeze(1), keys).squeeze(1)
            s = self.decoder.cell(torch.cat([self.decoder.embedding(prev), context], 1), s)
            prev = self.out(torch.cat([s, context], 1)).argmax(1)
            for b, i in enumerate(prev.tolist()):
                outs[b].append(i)
        result = []
        for ids in outs:
            text = ""
            for i in ids:
                if i == EOS:
                    break
                text += self.tgt[i - 4] if i >= 4 else "?"
            result.append(text)
        return result


def main():
    tensors, meta = vecgrad_safetensors.read(sys.argv[1])
    emb, enc, dec, att = (int(v) for v in meta["vecgrad.seq2seq.sizes"].split(","))
    model = Seq2Seq(meta["vecgrad.seq2seq.source"], meta["vecgrad.seq2seq.target"], emb, enc, dec, att)
    model.load_state_dict(tensors, strict=True)
    for text, out in zip(sys.argv[2:], model.translate(sys.argv[2:])):
        print(f"{text!r} -> {out!r}")


if __name__ == "__main__":
    main()
