"""Reads a safetensors file (vecgrad's checkpoints) with the standard library and torch: no safetensors package."""
import json
import struct

import torch


def read(path):
    """(name -> tensor, metadata dict) of the file."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        dtype = {"F32": torch.float32, "F64": torch.float64}[e["dtype"]]
        begin, end = e["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(e["shape"])
    return tensors, meta
