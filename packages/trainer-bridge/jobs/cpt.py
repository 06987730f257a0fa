"""Continual pretraining of Gemma 3 on a soro-data export, with English replay, under torchrun.

  python3 cpt.py --config job.json --data-check    # CPU: open the export, count, compare with the manifest
  torchrun --nproc-per-node=8 cpt.py --config job.json

Reads the Megatron export (int32 token ids, one sequence per document, BOS/EOS framed) as written. The mixture is
drawn per token: every training sequence is filled from one source chosen by the manifest's weights (replay by its
share), each source a stream of its documents packed back to back, so long documents cannot skew the shares. Each
rank reads a disjoint slice of every source's document order. A checkpoint holds the model, optimizer, scheduler and
the data position, and a restarted job resumes from the newest complete one. torch is imported only in train().
"""
import json
import math
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soro_common as common  # noqa: E402


class TokenStream:
    """One source's documents as an endless token stream: this rank's slice of a seeded order, epoch after epoch.

    The order is the same permutation on every rank (seed and epoch), and rank r takes every world-th document of
    it, so ranks never read the same document in one epoch.
    """

    def __init__(self, prefix, seed, rank, world):
        _, self.lengths, self.pointers = common.megatron_index(prefix)
        self.tokens = common.megatron_tokens(prefix)
        if len(self.lengths) < world:
            raise SystemExit("cpt: %s has %d documents, fewer than the %d ranks" % (prefix, len(self.lengths), world))
        self.seed, self.rank, self.world = seed, rank, world
        self.epoch, self.at, self.offset = 0, 0, 0
        self._order()

    def _order(self):
        import numpy as np
        order = np.random.default_rng([self.seed, self.epoch]).permutation(len(self.lengths))
        self.order = order[self.rank::self.world]

    def take(self, n):
        """The next n tokens, continuing inside the current document."""
        import numpy as np
        parts = []
        while n > 0:
            if self.at >= len(self.order):
                self.epoch, self.at = self.epoch + 1, 0
                self._order()
            i = int(self.order[self.at])
            start = int(self.pointers[i]) // 4 + self.offset
            left = int(self.lengths[i]) - self.offset
            k = min(n, left)
            parts.append(np.asarray(self.tokens[start:start + k], dtype=np.int32))
            n -= k
            if k == left:
                self.at, self.offset = self.at + 1, 0
            else:
                self.offset += k
        return np.concatenate(parts)

    def state(self):
        return {"epoch": self.epoch, "at": self.at, "offset": self.offset}

    def restore(self, s):
        self.epoch, self.at, self.offset = s["epoch"], s["at"], s["offset"]
        self._order()


class Mixture:
    """Sequences of seq_len tokens, each from one stream drawn by weight: a per-token mixture in expectation."""

    def __init__(self, cfg, rank, world):
        import numpy as np
        seed = cfg["train"]["seed"]
        prefixes = cfg["megatron_prefixes"]
        if not prefixes:
            raise SystemExit("cpt: the export has no Megatron prefixes; export with --format megatron")
        weights = {s: float(cfg["mixture"].get(s, 1.0)) for s in prefixes}
        if any(w < 0 for w in weights.values()):
            raise SystemExit("cpt: mixture weights must be >= 0: %s" % weights)
        # A weight of 0 means the source is not trained on at all.
        names = [s for s in prefixes if weights[s] > 0]
        if not names:
            raise SystemExit("cpt: every source has mixture weight 0; nothing to train on")
        total = sum(weights[s] for s in names)
        replay = cfg["replay"]["source"]
        share = cfg["replay"]["share"] if replay else 0.0
        # Replay text the export carries (soro ingest --source replay) is named relative to the export.
        if replay and not os.path.isabs(replay):
            replay = os.path.join(cfg["export_dir"], replay)
        self.streams = {s: TokenStream(os.path.join(cfg["export_dir"], prefixes[s]), seed, rank, world)
                        for s in names}
        probs = [(1 - share) * weights[s] / total for s in names]
        if share:
            if not os.path.exists(replay + ".idx"):
                raise SystemExit("cpt: replay source %s.idx not found: pass a Megatron prefix (path without .idx/.bin)"
                                 " with --replay-source, or --replay-share 0" % replay)
            self.streams["replay"] = TokenStream(replay, seed, rank, world)
            names.append("replay")
            probs.append(share)
        self.names = names
        self.probs = np.array(probs, dtype=np.float64)
        self.rng = np.random.default_rng([seed, 1_000_003 + rank])
        self.seq_len = cfg["train"]["seq_len"]
        self.drawn = {s: 0 for s in names}

    def next(self):
        name = self.names[int(self.rng.choice(len(self.names), p=self.probs))]
        self.drawn[name] += self.seq_len
        return self.streams[name].take(self.seq_len)

    def state(self):
        return {"streams": {s: t.state() for s, t in self.streams.items()},
                "rng": self.rng.bit_generator.state, "drawn": self.drawn}

    def restore(self, s):
        for name, st in s["streams"].items():
            self.streams[name].restore(st)
        self.rng.bit_generator.state = s["rng"]
        self.drawn = dict(s["drawn"])


def build_model(cfg, torch, dtype):
    """A tiny random Gemma 3 (smoke runs) or the pretrained checkpoint, optionally wrapped with LoRA."""
    from transformers import AutoModelForCausalLM
    m = cfg["model"]
    if m["tiny"]:
        from transformers import Gemma3ForCausalLM, Gemma3TextConfig
        torch.manual_seed(cfg["train"]["seed"])
        model = Gemma3ForCausalLM(Gemma3TextConfig(**m["tiny_config"])).to(dtype)
    else:
        model = AutoModelForCausalLM.from_pretrained(m["path"], dtype=dtype, attn_implementation="sdpa")
    if cfg["train"]["gradient_checkpointing"]:
        model.gradient_checkpointing_enable()
    lora = cfg["train"]["lora"]
    if lora:
        from peft import LoraConfig, get_peft_model
        model = get_peft_model(model, LoraConfig(r=lora["r"], lora_alpha=lora["alpha"], lora_dropout=lora["dropout"],
                                                 target_modules="all-linear", task_type="CAUSAL_LM"))
    return model


def latest_checkpoint(out):
    """The newest checkpoint folder whose state was written completely (state.json is written last)."""
    if not os.path.isdir(out):
        return None
    done = []
    for name in os.listdir(out):
        if name.startswith("checkpoint-") and os.path.exists(os.path.join(out, name, "state.json")):
            done.append((int(name.split("-", 1)[1]), os.path.join(out, name)))
    return max(done)[1] if done else None


def shard(model):
    """FSDP2: every decoder layer, then the whole model, sharded across the ranks (weights, gradients, AdamW)."""
    from torch.distributed.fsdp import fully_shard
    for m in list(model.modules()):
        if type(m).__name__.endswith("DecoderLayer"):
            fully_shard(m)
    fully_shard(model)
    return model


def full_state(torch, model, opt, fsdp):
    """(model, optimizer) state dicts whole on rank 0: gathered from the shards under FSDP (every rank calls it)."""
    if not fsdp:
        return unwrap(model).state_dict(), opt.state_dict()
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_state_dict
    return get_state_dict(model, opt, options=StateDictOptions(full_state_dict=True, cpu_offload=True))


def save_checkpoint(torch, model, opt, sched, data, step, out, cfg, rank, barrier, fsdp):
    """Model, optimizer, scheduler and every rank's data position under checkpoint-<step>, made visible by one
    rename once all of it is written."""
    final = os.path.join(out, "checkpoint-%d" % step)
    tmp = final + ".tmp"
    msd, osd = full_state(torch, model, opt, fsdp)
    if rank == 0:
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        torch.save(msd, os.path.join(tmp, "model.pt"))
        torch.save(osd, os.path.join(tmp, "optimizer.pt"))
        torch.save(sched.state_dict(), os.path.join(tmp, "scheduler.pt"))
    barrier()
    with open(os.path.join(tmp, "data-%d.json" % rank), "w", encoding="utf-8") as f:
        json.dump(data.state(), f)
    barrier()
    if rank == 0:
        with open(os.path.join(tmp, "state.json"), "w", encoding="utf-8") as f:
            json.dump({"step": step, "job_id": cfg.get("job_id")}, f)
        shutil.rmtree(final, ignore_errors=True)
        os.rename(tmp, final)
        common.log("checkpoint", step=step, path=final)
    barrier()


def load_checkpoint(torch, model, opt, sched, data, path, rank, fsdp):
    msd = torch.load(os.path.join(path, "model.pt"), map_location="cpu")
    osd = torch.load(os.path.join(path, "optimizer.pt"), map_location="cpu")
    if fsdp:
        from torch.distributed.checkpoint.state_dict import StateDictOptions, set_state_dict
        set_state_dict(model, opt, model_state_dict=msd, optim_state_dict=osd,
                       options=StateDictOptions(full_state_dict=True))
    else:
        unwrap(model).load_state_dict(msd)
        opt.load_state_dict(osd)
    sched.load_state_dict(torch.load(os.path.join(path, "scheduler.pt")))
    with open(os.path.join(path, "data-%d.json" % rank), encoding="utf-8") as f:
        data.restore(json.load(f))
    with open(os.path.join(path, "state.json"), encoding="utf-8") as f:
        return json.load(f)["step"]


def train(cfg):
    import numpy as np
    import torch
    import torch.distributed as dist
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    device = common.torch_device(cfg, torch, local)
    if world > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    dtype = common.train_dtype(torch, device)
    t = cfg["train"]
    model = build_model(cfg, torch, dtype).to(device)
    n_params = sum(p.numel() for p in model.parameters())
    fsdp = world > 1 and bool(t.get("fsdp"))
    if fsdp:
        model = shard(model)
    elif world > 1:
        model = torch.nn.parallel.DistributedDataParallel(model, device_ids=[local] if device.type == "cuda" else None)
    accum = max(1, t["global_batch"] // (t["micro_batch"] * world))
    steps = cfg["max_steps"] or t["steps"] or 1
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=t["learning_rate"], weight_decay=t["weight_decay"], betas=(0.9, 0.95))
    floor = t["min_learning_rate"] / t["learning_rate"]

    def schedule(step):
        if step < t["warmup_steps"]:
            return (step + 1) / t["warmup_steps"]
        progress = (step - t["warmup_steps"]) / max(1, steps - t["warmup_steps"])
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)

    def barrier():
        if world > 1:
            dist.barrier()

    data = Mixture(cfg, rank, world)
    out = cfg["out_dir"]
    start = 0
    resume = latest_checkpoint(out)
    if resume:
        start = load_checkpoint(torch, model, opt, sched, data, resume, rank, fsdp)
        common.log("cpt resume", rank=rank, step=start, path=resume)
    meter = common.StepMeter(cfg, torch, device, n_params, world)
    meter.tokens = start * accum * t["micro_batch"] * t["seq_len"] * world
    common.log("cpt start", rank=rank, steps=steps, world=world, accum=accum, device=str(device), dtype=str(dtype),
               fsdp=fsdp, params=n_params, start=start)
    model.train()
    total = float("nan")
    seq_tokens = t["micro_batch"] * t["seq_len"]
    for step in range(start, steps):
        meter.begin()
        total = 0.0
        for _ in range(accum):
            batch = torch.from_numpy(np.stack([data.next() for _ in range(t["micro_batch"])]).astype(np.int64))
            batch = batch.to(device)
            # Hugging Face shifts the labels itself: the next-token loss over the packed sequence.
            loss = model(input_ids=batch, labels=batch).loss
            (loss / accum).backward()
            total += loss.item() / accum
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        if rank == 0:
            meter.end(step + 1, total, sched.get_last_lr()[0], accum * seq_tokens * world)
        if t["save_every_steps"] and (step + 1) % t["save_every_steps"] == 0 and step + 1 < steps:
            save_checkpoint(torch, model, opt, sched, data, step + 1, out, cfg, rank, barrier, fsdp)
    msd, _ = full_state(torch, model, opt, fsdp)
    if rank == 0:
        final = unwrap(model)
        if cfg["train"]["lora"]:
            final = final.merge_and_unload()
            msd = None
        final.save_pretrained(out, state_dict=msd)
        common.carry_tokenizer(cfg, out)
        common.write_provenance(cfg, out, steps=steps, loss=total, mixture_tokens=data.drawn)
        common.log("cpt done", out=out, seconds=round(time.time() - meter.started, 3))
    if world > 1:
        dist.destroy_process_group()


def unwrap(model):
    return model.module if hasattr(model, "module") else model


def main(argv=None):
    return common.run_payload("cpt", train, argv)


if __name__ == "__main__":
    sys.exit(main())
