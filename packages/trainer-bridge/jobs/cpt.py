"""Continual pretraining of Gemma 3 on a soro-data export, with English replay, under torchrun.

  python3 cpt.py --config job.json --data-check    # CPU: open the export, count, compare with the manifest
  torchrun --nproc-per-node=8 cpt.py --config job.json

Reads the Megatron export (int32 token ids, one sequence per document, BOS/EOS framed) as written: documents are
drawn by source with the manifest's mixture weights, English replay documents take `replay.share` of the sequences,
and documents are packed into `seq_len` sequences. torch and transformers are imported only here, in train().
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soro_common as common  # noqa: E402


class MegatronSource:
    """Documents of one Megatron prefix, visited in a seeded random order, epoch after epoch."""

    def __init__(self, prefix, seed):
        import numpy as np
        _, self.lengths, self.pointers = common.megatron_index(prefix)
        self.tokens = common.megatron_tokens(prefix)
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(self.lengths))
        self.at = 0

    def next(self):
        if self.at >= len(self.order):
            self.order = self.rng.permutation(len(self.lengths))
            self.at = 0
        i = int(self.order[self.at])
        self.at += 1
        start = int(self.pointers[i]) // 4
        return self.tokens[start:start + int(self.lengths[i])]


def packed_sequences(cfg, rank, world):
    """Yields int32 arrays of seq_len tokens: sources by mixture weight, replay by its share, documents packed."""
    import numpy as np
    seed = cfg["train"]["seed"] + rank
    prefixes = cfg["megatron_prefixes"]
    if not prefixes:
        raise SystemExit("cpt: the export has no Megatron prefixes; export with --format megatron")
    sources = {s: MegatronSource(os.path.join(cfg["export_dir"], p), seed) for s, p in prefixes.items()}
    weights = np.array([cfg["mixture"].get(s, 0) or 1 for s in sources], dtype=np.float64)
    weights /= weights.sum()
    names = list(sources)
    replay = None
    share = cfg["replay"]["share"] if cfg["replay"]["source"] else 0
    if share:
        replay = MegatronSource(cfg["replay"]["source"], seed)
    rng = np.random.default_rng(seed)
    need = cfg["train"]["seq_len"]
    buf = np.empty(0, dtype=np.int32)
    while True:
        while len(buf) < need:
            if replay is not None and rng.random() < share:
                doc = replay.next()
            else:
                doc = sources[names[rng.choice(len(names), p=weights)]].next()
            buf = np.concatenate([buf, np.asarray(doc, dtype=np.int32)])
        yield buf[:need]
        buf = buf[need:]


def build_model(cfg, torch):
    """A tiny random Gemma 3 (smoke runs) or the pretrained checkpoint, in bf16, optionally wrapped with LoRA."""
    from transformers import AutoModelForCausalLM
    m = cfg["model"]
    if m["tiny"]:
        from transformers import Gemma3ForCausalLM, Gemma3TextConfig
        torch.manual_seed(cfg["train"]["seed"])
        model = Gemma3ForCausalLM(Gemma3TextConfig(**m["tiny_config"])).to(torch.bfloat16)
    else:
        model = AutoModelForCausalLM.from_pretrained(m["path"], torch_dtype=torch.bfloat16,
                                                     attn_implementation="eager")
    if cfg["train"]["gradient_checkpointing"]:
        model.gradient_checkpointing_enable()
    lora = cfg["train"]["lora"]
    if lora:
        from peft import LoraConfig, get_peft_model
        model = get_peft_model(model, LoraConfig(r=lora["r"], lora_alpha=lora["alpha"], lora_dropout=lora["dropout"],
                                                 target_modules="all-linear", task_type="CAUSAL_LM"))
    return model


def train(cfg):
    import numpy as np
    import torch
    import torch.distributed as dist
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if world > 1:
        dist.init_process_group("nccl")
    device = torch.device("cuda", local) if torch.cuda.is_available() else torch.device("cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    t = cfg["train"]
    model = build_model(cfg, torch).to(device)
    if world > 1:
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
    data = packed_sequences(cfg, rank, world)
    out = cfg["out_dir"]
    common.log("cpt start", steps=steps, world=world, accum=accum, device=str(device),
               params=sum(p.numel() for p in model.parameters()))
    model.train()
    for step in range(steps):
        started = torch.cuda.Event(enable_timing=True) if device.type == "cuda" else None
        if started:
            started.record()
        total = 0.0
        for _ in range(accum):
            batch = torch.from_numpy(np.stack([next(data) for _ in range(t["micro_batch"])]).astype(np.int64)).to(device)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                # Hugging Face shifts the labels itself: the next-token loss over the packed sequence.
                loss = model(input_ids=batch, labels=batch).loss
            (loss / accum).backward()
            total += loss.item() / accum
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        if rank == 0:
            common.log("step", step=step + 1, loss=round(total, 4), lr=sched.get_last_lr()[0],
                       tokens=(step + 1) * t["global_batch"] * t["seq_len"])
        if rank == 0 and t["save_every_steps"] and (step + 1) % t["save_every_steps"] == 0 and step + 1 < steps:
            unwrap(model).save_pretrained(os.path.join(out, "checkpoint-%d" % (step + 1)))
    if rank == 0:
        final = unwrap(model)
        if cfg["train"]["lora"]:
            final = final.merge_and_unload()
        final.save_pretrained(out)
        save_tokenizer(cfg, out)
        common.write_provenance(cfg, out, steps=steps, loss=total)
        common.log("cpt done", out=out)
    if world > 1:
        dist.destroy_process_group()


def unwrap(model):
    return model.module if hasattr(model, "module") else model


def save_tokenizer(cfg, out):
    """The base model's tokenizer beside the checkpoint (a tiny random model has none to copy)."""
    if cfg["model"]["tiny"]:
        return
    from transformers import AutoTokenizer
    AutoTokenizer.from_pretrained(cfg["model"]["path"]).save_pretrained(out)


def main(argv=None):
    return common.run_payload("cpt", train, argv)


if __name__ == "__main__":
    sys.exit(main())
