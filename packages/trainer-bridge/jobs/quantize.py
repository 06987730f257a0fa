"""Quantizes a Gemma 3 checkpoint with llm-compressor for schools' hardware.

  quantize-fp8:  FP8_DYNAMIC (weights FP8 per channel, activations FP8 per token at run time): no calibration data.
  quantize-int4: W4A16 GPTQ, calibrated on the export's calibration/chat.jsonl (held-out chats, Gemma 3 rendered).

  python3 quantize.py --config job.json [--data-check]

The result is a compressed-tensors checkpoint vLLM loads directly. llm-compressor is imported only in quantize().
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soro_common as common  # noqa: E402

# Gemma 3's vision tower and projector (4B, 12B) stay in bf16, as does the output head.
IGNORE = ["lm_head", "re:.*vision_tower.*", "re:.*multi_modal_projector.*"]


def calibration_texts(cfg):
    path = os.path.join(cfg["export_dir"], "calibration", "chat.jsonl")
    with open(path, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    n = cfg.get("calibration_samples")
    return texts[:n] if n else texts


def quantize(cfg):
    import torch
    try:
        from llmcompressor import oneshot
    except ImportError as e:
        common.log("skipped", why="llm-compressor is not installed (%s): pip install -r requirements-quantize.txt" % e)
        raise SystemExit(3) from None
    from llmcompressor import oneshot
    from llmcompressor.modifiers.quantization import GPTQModifier, QuantizationModifier
    from transformers import AutoModelForCausalLM, AutoTokenizer
    path = cfg["model"]["path"]
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.bfloat16)
    out = cfg["out_dir"]
    if cfg["kind"] == "quantize-fp8":
        oneshot(model=model, recipe=QuantizationModifier(targets="Linear", scheme="FP8_DYNAMIC", ignore=IGNORE))
        extra = {"scheme": "FP8_DYNAMIC"}
    else:
        from datasets import Dataset
        tok = AutoTokenizer.from_pretrained(path)
        texts = calibration_texts(cfg)
        seq_len = cfg["train"]["seq_len"]
        ds = Dataset.from_dict({"text": texts}).map(
            lambda r: tok(r["text"], truncation=True, max_length=seq_len, add_special_tokens=False),
            remove_columns=["text"])
        # Gemma 3's tokenizer_config names Gemma3Processor, so without processor= oneshot tries to build an image
        # processor from the checkpoint and fails; the text tokenizer is all GPTQ calibration needs.
        oneshot(model=model, dataset=ds, recipe=GPTQModifier(targets="Linear", scheme="W4A16", ignore=IGNORE),
                processor=tok, max_seq_length=seq_len, num_calibration_samples=len(texts))
        extra = {"scheme": "W4A16", "calibration_samples": len(texts)}
    model.save_pretrained(out, save_compressed=True)
    common.carry_tokenizer(cfg, out)
    common.write_provenance(cfg, out, **extra)
    common.log("quantize done", out=out, **extra)


def main(argv=None):
    return common.run_payload("quantize", quantize, argv)


if __name__ == "__main__":
    sys.exit(main())
