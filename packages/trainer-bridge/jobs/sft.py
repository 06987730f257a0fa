"""Supervised fine-tuning of Gemma 3 on a soro-data SFT export (sft/messages.jsonl) with TRL, LoRA or full.

  python3 sft.py --config job.json --data-check
  torchrun --nproc-per-node=8 sft.py --config job.json

The messages are rendered with the checkpoint's own Gemma 3 chat template (the export's gemma3.txt shows the same
rendering). With packing on, TRL packs samples best-fit and padding-free: one flat row per batch whose position ids
restart at every sample, from which transformers builds a block-diagonal mask (SDPA here, flash-attention varlen on
GPUs that have it), so packed samples never attend to each other. A restarted job resumes from its newest
checkpoint. TRL and torch are imported only in train().
"""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soro_common as common  # noqa: E402


def attention_for(device):
    """flash-attention 2 where it is installed on a GPU, else SDPA: both honour packed-sample boundaries."""
    if device.type == "cuda":
        try:
            import flash_attn  # noqa: F401
            return "flash_attention_2"
        except ImportError:
            pass
    return "sdpa"


def metrics_callback(cfg, torch, device, n_params, world):
    """A TrainerCallback that writes each logged step as a soro JSON line with tokens/s, MFU and peak memory."""
    import time
    from transformers import TrainerCallback
    peak = float(cfg.get("peak_flops") or 0) * world

    class SoroLog(TrainerCallback):
        def __init__(self):
            self.t0 = time.time()
            self.tokens0 = 0

        def on_log(self, args, state, control, logs=None, **kwargs):
            if not state.is_world_process_zero or not logs or "loss" not in logs:
                return
            tokens = int(state.num_input_tokens_seen or 0)
            seconds = max(time.time() - self.t0, 1e-9)
            tps = (tokens - self.tokens0) / seconds if tokens else None
            self.t0, self.tokens0 = time.time(), tokens
            common.log("step", step=state.global_step, loss=round(float(logs["loss"]), 4),
                       lr=logs.get("learning_rate"), tokens=tokens, tokens_per_s=round(tps, 1) if tps else None,
                       mfu=round(6 * n_params * tps / peak, 5) if tps and peak else None,
                       peak_memory_bytes=common.peak_memory_bytes(torch, device))

    return SoroLog()


def last_checkpoint(out):
    done = [p for p in glob.glob(os.path.join(out, "checkpoint-*"))
            if os.path.exists(os.path.join(p, "trainer_state.json"))]
    return max(done, key=lambda p: int(p.rsplit("-", 1)[1])) if done else None


def train(cfg):
    import torch
    from datasets import load_dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer
    t = cfg["train"]
    world = int(os.environ.get("WORLD_SIZE", "1"))
    device = common.torch_device(cfg, torch, int(os.environ.get("LOCAL_RANK", "0")))
    dtype = common.train_dtype(torch, device)
    data = load_dataset("json", data_files=os.path.join(cfg["export_dir"], "sft", "messages.jsonl"), split="train")
    tok = AutoTokenizer.from_pretrained(cfg["model"]["path"])
    model = AutoModelForCausalLM.from_pretrained(cfg["model"]["path"], dtype=dtype,
                                                 attn_implementation=attention_for(device))
    n_params = sum(p.numel() for p in model.parameters())
    peft_config = None
    if t["lora"]:
        from peft import LoraConfig
        peft_config = LoraConfig(r=t["lora"]["r"], lora_alpha=t["lora"]["alpha"], lora_dropout=t["lora"]["dropout"],
                                 target_modules="all-linear", task_type="CAUSAL_LM")
    args = SFTConfig(
        output_dir=cfg["out_dir"],
        max_length=t["seq_len"],
        packing=t["packing"],
        packing_strategy="bfd",
        padding_free=t["packing"],
        per_device_train_batch_size=t["micro_batch"],
        gradient_accumulation_steps=max(1, t["global_batch"] // (t["micro_batch"] * world)),
        learning_rate=t["learning_rate"],
        lr_scheduler_type="cosine",
        warmup_steps=t["warmup_steps"],
        weight_decay=t["weight_decay"],
        num_train_epochs=t["epochs"],
        max_steps=cfg["max_steps"] or -1,
        bf16=dtype == torch.bfloat16,
        use_cpu=device.type == "cpu",
        gradient_checkpointing=t["gradient_checkpointing"],
        save_steps=t["save_every_steps"],
        logging_steps=1,
        include_num_input_tokens_seen=True,
        seed=t["seed"],
        report_to=[],
    )
    trainer = SFTTrainer(model=model, args=args, train_dataset=data, processing_class=tok, peft_config=peft_config,
                         callbacks=[metrics_callback(cfg, torch, device, n_params, world)])
    resume = last_checkpoint(cfg["out_dir"])
    if resume:
        common.log("sft resume", path=resume)
    trainer.train(resume_from_checkpoint=resume)
    if trainer.is_world_process_zero():
        final = trainer.model.merge_and_unload() if t["lora"] else trainer.model
        final.save_pretrained(cfg["out_dir"])
        tok.save_pretrained(cfg["out_dir"])
        common.carry_tokenizer(cfg, cfg["out_dir"])
        common.write_provenance(cfg, cfg["out_dir"], samples=len(data), packing=t["packing"])
        common.log("sft done", out=cfg["out_dir"])


def main(argv=None):
    return common.run_payload("sft", train, argv)


if __name__ == "__main__":
    sys.exit(main())
