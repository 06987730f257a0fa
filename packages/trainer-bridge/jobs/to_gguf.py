"""Converts a Gemma 3 checkpoint to GGUF for llama.cpp: BF16 GGUF, importance matrix on the export's
calibration/imatrix.txt (Tajik, English and chat text), then Q4_K_M with that matrix.

  python3 to_gguf.py --config job.json [--data-check]

Needs a llama.cpp checkout built with its tools (LLAMA_CPP_DIR, default /opt/llama.cpp): convert_hf_to_gguf.py,
build/bin/llama-imatrix and build/bin/llama-quantize.
"""
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


def convert(cfg):
    llama_dir = os.environ.get("LLAMA_CPP_DIR", "/opt/llama.cpp")
    os.makedirs(cfg["out_dir"], exist_ok=True)
    for cmd in commands(cfg, llama_dir):
        common.log("run", cmd=cmd)
        subprocess.run(cmd, check=True)
    common.write_provenance(cfg, cfg["out_dir"], quant="Q4_K_M", imatrix="calibration/imatrix.txt")
    common.log("gguf done", out=cfg["out_dir"])


def main(argv=None):
    return common.run_payload("gguf", convert, argv)


if __name__ == "__main__":
    sys.exit(main())
