#!/usr/bin/env python3
"""Writes the safetensors fixtures of SafeTensorsTest and expected.json, their expected values.

The files are written by hand (struct + json + numpy), independently of the Java reader. If the
`safetensors` package is importable, it also checks that the library reads every file identically
and writes saved_by_library.safetensors itself. Run from any directory:

    python3 policy/src/test/resources/hf/safetensors/make_fixtures.py

The outputs are committed; tests never run Python.
"""
import hashlib
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import safetensors.numpy as st
except ImportError:
    st = None


def bf16_bytes(values):
    """BF16 is the top half of float32; the values must be exact in BF16."""
    bits = np.asarray(values, dtype="<f4").view("<u4")
    assert not (bits & 0xFFFF).any(), "not exact in bf16: %r" % (values,)
    return (bits >> 16).astype("<u2").tobytes()


def write(path, tensors, metadata=None, metadata_after=None, data_order=None, pad=True):
    """tensors: list of (name, dtype string, shape, raw bytes), in header order.

    metadata_after: the name of the tensor __metadata__ follows in the header (None: first).
    data_order: the tensor names in the order of their bytes (None: header order).
    """
    by_name = {name: (dtype, shape, raw) for name, dtype, shape, raw in tensors}
    offsets, position = {}, 0
    for name in data_order or [t[0] for t in tensors]:
        raw = by_name[name][2]
        offsets[name] = [position, position + len(raw)]
        position += len(raw)
    header = {}
    if metadata is not None and metadata_after is None:
        header["__metadata__"] = metadata
    for name, dtype, shape, _ in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": offsets[name]}
        if metadata is not None and metadata_after == name:
            header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if pad:
        text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for name in data_order or [t[0] for t in tensors]:
            out.write(by_name[name][2])


def expected_entry(name, values, shape):
    """The float32 bit patterns Java must read, NaN as Java's canonical 0x7fc00000."""
    with np.errstate(over="ignore"):  # -1e300 narrows to -inf on purpose
        f32 = np.asarray(values).astype(np.float32).reshape(-1)
    bits = f32.view(np.uint32).copy()
    bits[np.isnan(f32)] = 0x7FC00000
    return {"name": name, "shape": list(shape), "bits": [int(b) for b in bits]}


def check_with_library(path, expected):
    if st is None:
        return
    loaded = st.load_file(path)
    assert list(sorted(loaded)) == sorted(e["name"] for e in expected), path
    for e in expected:
        array = loaded[e["name"]]
        assert list(array.shape) == e["shape"], (path, e["name"])
        with np.errstate(over="ignore"):
            got = array.astype(np.float32).reshape(-1)
        bits = got.view(np.uint32).copy()
        bits[np.isnan(got)] = 0x7FC00000
        assert [int(b) for b in bits] == e["bits"], (path, e["name"])


def main():
    expected = {}

    # dtypes.safetensors: every supported dtype, a scalar, an empty tensor and metadata in the
    # middle of the header; the data in reverse header order.
    f32_3d = (np.arange(24, dtype=np.float32) * 0.5 - 3).reshape(2, 3, 4)
    f16 = np.array(
        [1.0, -2.5, 65504.0, 2.0**-14, 2.0**-24, 3 * 2.0**-24, -(2.0**-24) * 1023,
         np.inf, -np.inf, -0.0, 0.0, np.nan, 0.1],
        dtype=np.float16)
    bf16 = np.array([1.0, -2.5, 3.140625, 2.0**100, -(2.0**-130), np.inf], dtype=np.float32)
    f64 = np.array([0.1, -1e300, 1 / 3, 5e-324], dtype=np.float64)
    scalar = np.array(42.5, dtype=np.float32)
    tensors = [
        ("f32_3d", "F32", f32_3d.shape, f32_3d.astype("<f4").tobytes()),
        ("f16_specials", "F16", f16.shape, f16.astype("<f2").tobytes()),
        ("bf16", "BF16", (2, 3), bf16_bytes(bf16)),
        ("f64", "F64", f64.shape, f64.astype("<f8").tobytes()),
        ("scalar", "F32", (), scalar.astype("<f4").tobytes()),
        ("empty", "F32", (2, 0), b""),
    ]
    metadata = {"format": "pt", "note": "π ≈ 3.14"}
    path = os.path.join(HERE, "dtypes.safetensors")
    write(path, tensors, metadata, metadata_after="f16_specials",
          data_order=[t[0] for t in reversed(tensors)])
    entries = [
        expected_entry("f32_3d", f32_3d, f32_3d.shape),
        expected_entry("f16_specials", f16, f16.shape),
        expected_entry("bf16", bf16, (2, 3)),
        expected_entry("f64", f64, f64.shape),
        expected_entry("scalar", scalar, ()),
        expected_entry("empty", np.zeros((2, 0)), (2, 0)),
    ]
    expected["dtypes.safetensors"] = {"metadata": metadata, "tensors": entries}
    # The library cannot give BF16 to numpy, so it checks the other tensors of a BF16-free copy.
    if st is not None:
        no_bf16 = [t for t in tensors if t[1] != "BF16"]
        copy = os.path.join(HERE, "dtypes-no-bf16.tmp")
        write(copy, no_bf16, metadata, metadata_after="f16_specials",
              data_order=[t[0] for t in reversed(no_bf16)])
        check_with_library(copy, [e for e in entries if e["name"] != "bf16"])
        os.remove(copy)

    # sharded/: an index and two shards, the second with an unpadded header.
    shard_dir = os.path.join(HERE, "sharded")
    os.makedirs(shard_dir, exist_ok=True)
    embed = np.arange(8, dtype=np.float32).reshape(4, 2) / 4
    layer = np.array([[1, -1], [0.5, 2]], dtype=np.float32)
    head = (np.arange(8, dtype=np.float16) - 4).reshape(4, 2)
    shards = {
        "model-00001-of-00002.safetensors": [
            ("model.embed_tokens.weight", "F32", embed.shape, embed.astype("<f4").tobytes()),
            ("model.layers.0.weight", "F32", layer.shape, layer.astype("<f4").tobytes()),
        ],
        "model-00002-of-00002.safetensors": [
            ("lm_head.weight", "F16", head.shape, head.astype("<f2").tobytes()),
        ],
    }
    for name, contents in shards.items():
        write(os.path.join(shard_dir, name), contents, {"format": "pt"},
              pad=name.startswith("model-00001"))
    weight_map = {t[0]: shard for shard, contents in shards.items() for t in contents}
    index = {
        "metadata": {"total_size": sum(len(t[3]) for c in shards.values() for t in c)},
        "weight_map": dict(sorted(weight_map.items())),
    }
    with open(os.path.join(shard_dir, "model.safetensors.index.json"), "w") as out:
        json.dump(index, out, indent=2)
        out.write("\n")
    by_name = {"model.embed_tokens.weight": embed, "model.layers.0.weight": layer,
               "lm_head.weight": head}
    expected["sharded"] = {
        "metadata": {"total_size": str(index["metadata"]["total_size"])},
        "tensors": [expected_entry(n, by_name[n], by_name[n].shape) for n in index["weight_map"]],
    }
    for name, contents in shards.items():
        check_with_library(os.path.join(shard_dir, name),
                           [expected_entry(t[0], by_name[t[0]], t[2]) for t in contents])

    # saved_by_library.safetensors: written by the library itself (F32 only, one metadata key, so
    # that the Java writer can be checked to write the same bytes).
    if st is not None:
        library = {
            "b.weight": np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5,
            "a.bias": np.array([0.25, -0.0, 3e38], dtype=np.float32),
            "c.scalar": np.array(-7.0, dtype=np.float32),
        }
        path = os.path.join(HERE, "saved_by_library.safetensors")
        st.save_file(library, path, metadata={"format": "np"})
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            order = list(json.loads(f.read(n)))
        expected["saved_by_library.safetensors"] = {
            "metadata": {"format": "np"},
            "tensors": [expected_entry(k, library[k], library[k].shape)
                        for k in order if k != "__metadata__"],
        }

    # Every binary16 value, as the SHA-256 of the little-endian float32 bits numpy widens it to.
    halves = np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float32)
    bits = halves.view(np.uint32).copy()
    bits[np.isnan(halves)] = 0x7FC00000
    expected["f16_all_float32_bits_sha256"] = hashlib.sha256(bits.astype("<u4").tobytes()).hexdigest()

    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(expected, out, indent=1, ensure_ascii=False)
        out.write("\n")
    print("library check:", "done" if st is not None else "skipped (safetensors not importable)")


if __name__ == "__main__":
    main()
