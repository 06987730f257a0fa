"""Independent reader of a Megatron-LM IndexedDataset (.idx/.bin), following indexed_dataset.py's layout.

Prints JSON: {"dtype": code, "documents": [[token ids of each sequence of a document]...]}.
"""
import json
import struct
import sys

import numpy as np

prefix = sys.argv[1]
with open(prefix + ".idx", "rb") as f:
    assert f.read(9) == b"MMIDIDX\x00\x00", "bad magic"
    (version,) = struct.unpack("<Q", f.read(8))
    assert version == 1, "bad version"
    (code,) = struct.unpack("<B", f.read(1))
    (seq_count,) = struct.unpack("<Q", f.read(8))
    (doc_count,) = struct.unpack("<Q", f.read(8))
    offset = f.tell()
dtype = {4: np.int32, 8: np.uint16}[code]
idx = np.memmap(prefix + ".idx", mode="r", order="C")
lengths = np.frombuffer(idx, dtype=np.int32, count=seq_count, offset=offset)
pointers = np.frombuffer(idx, dtype=np.int64, count=seq_count, offset=offset + lengths.nbytes)
doc_idx = np.frombuffer(idx, dtype=np.int64, count=doc_count, offset=offset + lengths.nbytes + pointers.nbytes)
assert doc_idx[0] == 0 and doc_idx[-1] == seq_count, "document indices must span all sequences"
bin_ = np.memmap(prefix + ".bin", mode="r", order="C")
assert bin_.nbytes == int(lengths.sum()) * np.dtype(dtype).itemsize, ".bin size differs from the index"
docs = []
for d in range(doc_count - 1):
    seqs = []
    for s in range(doc_idx[d], doc_idx[d + 1]):
        seqs.append(np.frombuffer(bin_, dtype=dtype, count=int(lengths[s]), offset=int(pointers[s])).tolist())
    docs.append(seqs)
print(json.dumps({"dtype": int(code), "documents": docs}))
