"""Converts a Gemma 3 checkpoint to GGUF for llama.cpp: BF16 GGUF, importance matrix on the export's
calibration/imatrix.txt (Tajik, English and chat text), then Q4_K_M with that matrix.

  python3 to_gguf.py --config job.json [--data-check | --preflight]

Needs a llama.cpp checkout built with its tools (LLAMA_CPP_DIR, default /opt/llama.cpp): convert_hf_to_gguf.py,
build/bin/llama-imatrix and build/bin/llama-quantize. Before anything runs, the checkpoint must hold a SentencePiece
tokenizer.model that loads and fits the model's vocabulary: llama.cpp's Gemma 3 converter reads the vocabulary from
it. --preflight stops after that check.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soro_common as common  # noqa: E402


def commands(cfg, llama_dir):
    """The three llama.cpp steps as argument lists."""
    out = cfg["out_dir"]
    bf16 = os.path.join(out, "model-bf16.gguf")
    imatrix = os.path.join(out, "imatrix.dat")
    q4 = os.path.join(out, "model-Q4_K_M.gguf")
    text = os.path.join(cfg["export_dir"], "calibration", "imatrix.txt")
    return [
        [sys.executable, os.path.join(llama_dir, "convert_hf_to_gguf.py"), cfg["model"]["path"],
         "--outtype", "bf16", "--outfile", bf16],
        [os.path.join(llama_dir, "build", "bin", "llama-imatrix"), "-m", bf16, "-f", text, "-o", imatrix,
         "-ngl", "99"],
        [os.path.join(llama_dir, "build", "bin", "llama-quantize"), "--imatrix", imatrix, bf16, q4, "Q4_K_M"],
    ]


def preflight(cfg):
    """Refuses a checkpoint llama.cpp's converter cannot read, before any conversion starts."""
    path = cfg["model"]["path"]
    vocab = None
    try:
        with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
            c = json.load(f)
        vocab = c.get("vocab_size") or (c.get("text_config") or {}).get("vocab_size")
    except (OSError, ValueError) as e:
        raise SystemExit("gguf: %s is not a checkpoint folder (%s)" % (path, e)) from None
    problems = common.check_tokenizer_model(path, vocab)
    if problems:
        raise SystemExit("gguf: " + "; ".join(problems))
    common.log("gguf preflight ok", model=path, vocab_size=vocab)


def convert(cfg):
    preflight(cfg)
    if cfg.get("preflight_only"):
        return
    llama_dir = os.environ.get("LLAMA_CPP_DIR", "/opt/llama.cpp")
    for cmd in commands(cfg, llama_dir):
        if not os.path.exists(cmd[1] if cmd[0] == sys.executable else cmd[0]):
            raise SystemExit("gguf: %s is missing; set LLAMA_CPP_DIR to a llama.cpp checkout built with its tools"
                             % (cmd[1] if cmd[0] == sys.executable else cmd[0]))
    os.makedirs(cfg["out_dir"], exist_ok=True)
    for cmd in commands(cfg, llama_dir):
        common.log("run", cmd=cmd)
        subprocess.run(cmd, check=True)
    common.write_provenance(cfg, cfg["out_dir"], quant="Q4_K_M", imatrix="calibration/imatrix.txt")
    common.log("gguf done", out=cfg["out_dir"])


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    only = "--preflight" in argv
    argv = [a for a in argv if a != "--preflight"]

    def work(cfg):
        cfg["preflight_only"] = only
        convert(cfg)

    return common.run_payload("gguf", work, argv)


if __name__ == "__main__":
    sys.exit(main())
