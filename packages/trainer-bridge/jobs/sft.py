"""Supervised fine-tuning of Gemma 3 on a soro-data SFT export (sft/messages.jsonl) with TRL, LoRA or full.

  python3 sft.py --config job.json --data-check
  torchrun --nproc-per-node=8 sft.py --config job.json

The messages are rendered with the checkpoint's own Gemma 3 chat template (the export's gemma3.txt shows the same
rendering). TRL and torch are imported only in train().
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soro_common as common  # noqa: E402


def train(cfg):
    import torch
    from datasets import load_dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer
    t = cfg["train"]
    world = int(os.environ.get("WORLD_SIZE", "1"))
    data = load_dataset("json", data_files=os.path.join(cfg["export_dir"], "sft", "messages.jsonl"), split="train")
    tok = AutoTokenizer.from_pretrained(cfg["model"]["path"])
    model = AutoModelForCausalLM.from_pretrained(cfg["model"]["path"], torch_dtype=torch.bfloat16,
                                                 attn_implementation="eager")
    peft_config = None
    if t["lora"]:
        from peft import LoraConfig
        peft_config = LoraConfig(r=t["lora"]["r"], lora_alpha=t["lora"]["alpha"], lora_dropout=t["lora"]["dropout"],
                                 target_modules="all-linear", task_type="CAUSAL_LM")
    args = SFTConfig(
        output_dir=cfg["out_dir"],
        max_length=t["seq_len"],
        packing=t["packing"],
        per_device_train_batch_size=t["micro_batch"],
        gradient_accumulation_steps=max(1, t["global_batch"] // (t["micro_batch"] * world)),
        learning_rate=t["learning_rate"],
        lr_scheduler_type="cosine",
        warmup_steps=t["warmup_steps"],
        weight_decay=t["weight_decay"],
        num_train_epochs=t["epochs"],
        max_steps=cfg["max_steps"] or -1,
        bf16=True,
        gradient_checkpointing=t["gradient_checkpointing"],
        save_steps=t["save_every_steps"],
        logging_steps=1,
        seed=t["seed"],
        report_to=[],
    )
    trainer = SFTTrainer(model=model, args=args, train_dataset=data, processing_class=tok, peft_config=peft_config)
    trainer.train()
    if trainer.is_world_process_zero():
        final = trainer.model.merge_and_unload() if t["lora"] else trainer.model
        final.save_pretrained(cfg["out_dir"])
        tok.save_pretrained(cfg["out_dir"])
        common.write_provenance(cfg, cfg["out_dir"], samples=len(data))
        common.log("sft done", out=cfg["out_dir"])


def main(argv=None):
    return common.run_payload("sft", train, argv)


if __name__ == "__main__":
    sys.exit(main())
