"""Independent reader of a MosaicML streaming MDS dataset (index.json + shard.NNNNN.mds) with numpy.

Prints JSON: a list of samples; ndarray columns as lists of ints.
"""
import json
import os
import sys

import numpy as np

root = sys.argv[1]
with open(os.path.join(root, "index.json")) as f:
    index = json.load(f)
assert index["version"] == 2
samples = []
for shard in index["shards"]:
    assert shard["format"] == "mds" and shard["compression"] is None
    data = open(os.path.join(root, shard["raw_data"]["basename"]), "rb").read()
    assert len(data) == shard["raw_data"]["bytes"]
    n = int(np.frombuffer(data, np.uint32, 1, 0)[0])
    assert n == shard["samples"]
    offsets = np.frombuffer(data, np.uint32, n + 1, 4)
    names, encs, sizes = shard["column_names"], shard["column_encodings"], shard["column_sizes"]
    # The writer's config sits between the offsets and the first sample.
    config = json.loads(data[4 + 4 * (n + 1) : int(offsets[0])])
    assert config["column_names"] == names
    for i in range(n):
        raw = data[int(offsets[i]) : int(offsets[i + 1])]
        dyn = [j for j, s in enumerate(sizes) if s is None]
        lens = np.frombuffer(raw, np.uint32, len(dyn), 0)
        at = 4 * len(dyn)
        row = {}
        for j, (name, enc) in enumerate(zip(names, encs, strict=True)):
            size = int(lens[dyn.index(j)]) if sizes[j] is None else sizes[j]
            b = raw[at : at + size]
            at += size
            if enc == "str":
                row[name] = b.decode("utf-8")
            else:
                dtype = enc.split(":")[1]
                head = b[0]
                ndim, width = head >> 2, 2 ** (head & 3)
                shape_dtype = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[width]
                shape = np.frombuffer(b, shape_dtype, ndim, 1)
                row[name] = np.frombuffer(b[1 + ndim * width :], dtype).reshape(shape).tolist()
        samples.append(row)
print(json.dumps(samples, ensure_ascii=False))
