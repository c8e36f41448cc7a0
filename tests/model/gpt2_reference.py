"""
An independent GPT-2 reference for the runner's tests: reads a Hugging Face checkpoint folder
(config.json + model.safetensors) with nothing but json, struct and numpy, and computes every
block's MLP neurons (GELU(LN2(x) W_fc + b_fc), GELU in its tanh form) with PyTorch's own
layer_norm, softmax and gelu(approximate="tanh"), in float64.

Reads a JSON list of jobs on stdin:
  [{"dir": ".../model", "ids": [[464, 3797, ...], ...], "as_f16": false, "out": ".../a.bin"}]
and writes, for each job, every text's activations as little-endian float32 [layers, T, n],
texts one after another, to "out". Prints one JSON line per job with the shapes.

Run with Debian's /usr/bin/python3 (python3-torch, python3-numpy).
"""
import json
import math
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "F16": np.float16}


def load_tensors(path, as_f16):
    tensors = {}
    with open(path, "rb") as handle:
        (length,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(length))
        base = 8 + length
        for name, entry in header.items():
            if name == "__metadata__" or entry["dtype"] not in DTYPES:
                continue
            begin, end = entry["data_offsets"]
            handle.seek(base + begin)
            raw = handle.read(end - begin)
            array = np.frombuffer(raw, dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
            array = array.reshape(entry["shape"])
            if as_f16:
                array = array.astype(np.float16)
            key = name[len("transformer."):] if name.startswith("transformer.") else name
            tensors[key] = torch.from_numpy(array.astype(np.float64))
    return tensors


def activations(config, weights, ids):
    d = config["n_embd"]
    heads = config["n_head"]
    eps = config.get("layer_norm_epsilon", 1e-5)
    size = d // heads
    tokens = len(ids)
    x = weights["wte.weight"][torch.tensor(ids)] + weights["wpe.weight"][:tokens]
    causal = torch.tril(torch.ones(tokens, tokens, dtype=torch.bool))
    out = []
    for layer in range(config["n_layer"]):
        w = lambda name: weights[f"h.{layer}.{name}"]
        a = F.layer_norm(x, (d,), w("ln_1.weight"), w("ln_1.bias"), eps)
        qkv = a @ w("attn.c_attn.weight") + w("attn.c_attn.bias")
        q, k, v = (t.reshape(tokens, heads, size).transpose(0, 1) for t in qkv.split(d, dim=-1))
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(size)
        scores = scores.masked_fill(~causal, float("-inf"))
        mixed = (scores.softmax(dim=-1) @ v).transpose(0, 1).reshape(tokens, d)
        x = x + mixed @ w("attn.c_proj.weight") + w("attn.c_proj.bias")
        m = F.layer_norm(x, (d,), w("ln_2.weight"), w("ln_2.bias"), eps)
        hidden = F.gelu(m @ w("mlp.c_fc.weight") + w("mlp.c_fc.bias"), approximate="tanh")
        out.append(hidden)
        x = x + hidden @ w("mlp.c_proj.weight") + w("mlp.c_proj.bias")
    return torch.stack(out)


def main():
    jobs = json.load(sys.stdin)
    for job in jobs:
        with open(f"{job['dir']}/config.json") as handle:
            config = json.load(handle)
        weights = load_tensors(f"{job['dir']}/model.safetensors", job.get("as_f16", False))
        shapes = []
        with open(job["out"], "wb") as out:
            for ids in job["ids"]:
                result = activations(config, weights, ids)
                shapes.append(list(result.shape))
                out.write(result.numpy().astype("<f4").tobytes())
        print(json.dumps({"out": job["out"], "shapes": shapes}), flush=True)


if __name__ == "__main__":
    main()
