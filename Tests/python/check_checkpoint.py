#!/usr/bin/env python3
"""Cross-checks a vql checkpoint directory against Python's safetensors and numpy.

  check_checkpoint.py CHECKPOINT_DIR INSPECT_JSON

CHECKPOINT_DIR is a step directory (model.safetensors, state.json, SHA256SUMS);
INSPECT_JSON is the output of `vql inspect --json CHECKPOINT_DIR`. Checks, exiting non-zero
with a message on the first mismatch:
  - every file in SHA256SUMS has that sha256 (hashlib);
  - state.json's step equals the tensors file's metadata step and the inspect report's;
  - safetensors.numpy.load_file loads every tensor; its dtype, shape and the sha256 of its
    raw little-endian bytes equal what `vql inspect` reports; no tensor is missing or extra;
  - the tensors are finite and the Adam second moments are non-negative.
Requires the `safetensors` package and numpy.
"""
import hashlib
import json
import os
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

DTYPES = {"F32": np.float32, "I32": np.int32, "I64": np.int64, "U8": np.uint8}


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def main(directory, report_path):
    with open(report_path) as f:
        report = json.load(f)
    if report.get("problems"):
        fail(f"vql inspect reported problems: {report['problems']}")

    with open(os.path.join(directory, "SHA256SUMS")) as f:
        for line in f:
            digest, name = line.rstrip("\n").split("  ", 1)
            with open(os.path.join(directory, name), "rb") as g:
                found = hashlib.sha256(g.read()).hexdigest()
            if found != digest:
                fail(f"{name}: sha256 {found}, SHA256SUMS says {digest}")

    path = os.path.join(directory, "model.safetensors")
    with open(os.path.join(directory, "state.json")) as f:
        state = json.load(f)
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata() or {}
    if metadata.get("step") != str(state["step"]) or report.get("step") != state["step"]:
        fail(f"step: metadata {metadata.get('step')}, state.json {state['step']}, inspect {report.get('step')}")

    tensors = load_file(path)
    expected = {t["name"]: t for t in report["tensors"]}
    if set(tensors) != set(expected):
        fail(f"tensor names differ: python only {sorted(set(tensors) - set(expected))}, "
             f"inspect only {sorted(set(expected) - set(tensors))}")
    floats = 0
    for name, array in tensors.items():
        t = expected[name]
        if array.dtype != DTYPES[t["dtype"]]:
            fail(f"{name}: numpy dtype {array.dtype}, inspect says {t['dtype']}")
        if list(array.shape) != t["shape"]:
            fail(f"{name}: numpy shape {list(array.shape)}, inspect says {t['shape']}")
        digest = hashlib.sha256(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()).hexdigest()
        if digest != t["sha256"]:
            fail(f"{name}: sha256 of the numpy bytes {digest}, inspect says {t['sha256']}")
        if array.dtype == np.float32:
            if not np.isfinite(array).all():
                fail(f"{name}: non-finite values")
            floats += array.size
        if name.startswith("adam_v.") and (array < 0).any():
            fail(f"{name}: negative second moment")
    print(f"python: {len(tensors)} tensors ({floats} floats) of step {state['step']} match vql inspect; checksums ok")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        fail("usage: check_checkpoint.py CHECKPOINT_DIR INSPECT_JSON")
    main(sys.argv[1], sys.argv[2])
