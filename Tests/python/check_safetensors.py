#!/usr/bin/env python3
"""Cross-checks vql's safetensors files against Python readers/writers.

  check_safetensors.py read PATH   verify the file written by the Swift test
                                   SafetensorsTests.pythonReadsSwiftFile
  check_safetensors.py write PATH  write a file for the Swift side to read back

Uses the `safetensors` package when installed, otherwise parses/writes the format with
numpy and json directly (so only numpy is required). Exits non-zero with a message on
any mismatch.
"""
import json
import struct
import sys

import numpy as np

try:
    from safetensors.numpy import load_file, save_file
    from safetensors import safe_open
    HAVE_SAFETENSORS = True
except ImportError:
    HAVE_SAFETENSORS = False

DTYPES = {"F32": np.float32, "I32": np.int32, "I64": np.int64, "U8": np.uint8}

EXPECTED = {
    "weights": (np.arange(12, dtype=np.float32) * 0.25 - 1).reshape(3, 4),
    "ids": np.array([-1, 0, 2**40 + 5], dtype=np.int64),
    "counts": np.array([[1, -2], [3, -4]], dtype=np.int32),
    "mask": np.array([0, 1, 2, 254, 255], dtype=np.uint8),
    "empty": np.zeros((0, 3), dtype=np.float32),
}
EXPECTED_METADATA = {"format": "vql", "step": "42", "note": "quote \" and ünïcode"}

FROM_PYTHON = {
    "a": (np.arange(6, dtype=np.float32) / 2).reshape(2, 3),
    "b": np.array([7, -9], dtype=np.int64),
    "c": np.array([1, 2, 3], dtype=np.uint8),
    "d": np.array([[-5], [6]], dtype=np.int32),
}
FROM_PYTHON_METADATA = {"written_by": "python"}


def read_manual(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0, f"header length {n} not a multiple of 8"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    out = {}
    end_max = 0
    for name, info in header.items():
        b, e = info["data_offsets"]
        end_max = max(end_max, e)
        arr = np.frombuffer(data[b:e], dtype=np.dtype(DTYPES[info["dtype"]]).newbyteorder("<"))
        out[name] = arr.reshape(info["shape"])
    assert end_max == len(data), f"data section {len(data)} bytes, tensors end at {end_max}"
    return out, meta


def write_manual(path, tensors, metadata):
    header, blobs, off = {"__metadata__": metadata}, [], 0
    for name, arr in tensors.items():
        blob = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        dt = {v: k for k, v in DTYPES.items()}[arr.dtype.type]
        header[name] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [off, off + len(blob)]}
        blobs.append(blob)
        off += len(blob)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "read":
        if HAVE_SAFETENSORS:
            tensors = load_file(path)
            with safe_open(path, framework="numpy") as f:
                meta = f.metadata() or {}
        else:
            tensors, meta = read_manual(path)
        problems = []
        if set(tensors) != set(EXPECTED):
            problems.append(f"names {sorted(tensors)} != {sorted(EXPECTED)}")
        for name, want in EXPECTED.items():
            got = tensors.get(name)
            if got is None:
                continue
            if got.dtype != want.dtype or got.shape != want.shape or not np.array_equal(got, want):
                problems.append(f"{name}: got {got.dtype}{got.shape} {got.tolist()}, want {want.dtype}{want.shape} {want.tolist()}")
        if meta != EXPECTED_METADATA:
            problems.append(f"metadata {meta} != {EXPECTED_METADATA}")
        if problems:
            print("MISMATCH\n" + "\n".join(problems))
            return 1
        print(f"OK read via {'safetensors' if HAVE_SAFETENSORS else 'numpy'}")
        return 0
    if mode == "write":
        if HAVE_SAFETENSORS:
            save_file(FROM_PYTHON, path, metadata=FROM_PYTHON_METADATA)
        else:
            write_manual(path, FROM_PYTHON, FROM_PYTHON_METADATA)
        print(f"OK written via {'safetensors' if HAVE_SAFETENSORS else 'numpy'}")
        return 0
    print(f"unknown mode {mode}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
