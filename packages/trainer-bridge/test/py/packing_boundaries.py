"""Checks that TRL's padding-free packing keeps samples apart: logits of two samples packed into one row equal the
logits of each sample run alone. Also runs the same packed row without position ids (plain concatenation), which
must differ, so the check can see a leak. Prints one JSON line.

  python packing_boundaries.py MODEL_DIR
"""
import json
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

path = sys.argv[1]
tok = AutoTokenizer.from_pretrained(path)
model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, attn_implementation="sdpa").eval()
texts = ["Ҳар як инсон ҳуқуқ ба ҳаёт, озодӣ ва дахлнопазирии шахсӣ дорад.",
         "Ҳеҷ кас набояд дар ғуломӣ ё ҳолати тобеият нигоҳ дошта шавад."]
samples = [tok(t).input_ids for t in texts]
collate = DataCollatorForLanguageModeling(pad_token_id=tok.pad_token_id, padding_free=True)
batch = collate([{"input_ids": s} for s in samples])
with torch.no_grad():
    packed = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"]).logits[0]
    alone = torch.cat([model(input_ids=torch.tensor([s])).logits[0] for s in samples])
    leaky = model(input_ids=batch["input_ids"]).logits[0]
print(json.dumps({
    "attention_mask_in_batch": "attention_mask" in batch,
    "position_ids": batch["position_ids"][0].tolist(),
    "packed_vs_alone": float((packed - alone).abs().max()),
    "unpacked_vs_alone": float((leaky - alone).abs().max()),
}))
