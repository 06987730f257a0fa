"""Checks cpt.py's data streams on a real Megatron export: a source of weight 0 is never drawn, drawn tokens follow
the weights, ranks read disjoint documents, and a restored state continues the same stream. Prints one JSON line.

  python cpt_mixture.py EXPORT_DIR PAYLOAD_DIR
"""
import json
import os
import sys

sys.path.insert(0, sys.argv[2])
import cpt  # noqa: E402

export = sys.argv[1]
with open(os.path.join(export, "manifest.json"), encoding="utf-8") as f:
    manifest = json.load(f)
prefixes = manifest["extra"]["megatron"]["prefixes"]
names = sorted(prefixes)


def cfg(weights, share=0.0):
    return {"export_dir": export, "megatron_prefixes": prefixes, "mixture": weights,
            "replay": {"share": share, "source": None}, "train": {"seed": 7, "seq_len": 16}}


out = {"sources": names}
zero = cpt.Mixture(cfg({names[0]: 0, **{n: 1 for n in names[1:]}}), 0, 1)
for _ in range(200):
    zero.next()
out["zero_weight_drawn"] = zero.drawn.get(names[0], 0)
out["zero_weight_sources"] = sorted(zero.names)
weights = {n: i + 1 for i, n in enumerate(names)}
mix = cpt.Mixture(cfg(weights), 0, 1)
for _ in range(4000):
    mix.next()
total = sum(mix.drawn.values())
out["token_shares"] = {n: mix.drawn[n] / total for n in names}
out["weight_shares"] = {n: weights[n] / sum(weights.values()) for n in names}
r0 = cpt.TokenStream(os.path.join(export, prefixes[names[0]]), 7, 0, 2)
r1 = cpt.TokenStream(os.path.join(export, prefixes[names[0]]), 7, 1, 2)
out["ranks_disjoint"] = not (set(r0.order.tolist()) & set(r1.order.tolist()))
out["ranks_cover"] = len(set(r0.order.tolist()) | set(r1.order.tolist())) == len(r0.lengths)
a = cpt.Mixture(cfg(weights), 0, 1)
for _ in range(37):
    a.next()
state = json.loads(json.dumps(a.state()))
expect = [a.next().tolist() for _ in range(20)]
b = cpt.Mixture(cfg(weights), 0, 1)
b.restore(state)
out["resume_same_stream"] = [b.next().tolist() for _ in range(20)] == expect
print(json.dumps(out))
