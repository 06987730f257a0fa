"""Shared parts of the soro-data job payloads: arguments, the job config, manifest checks and the data check.

Only the standard library and numpy here: the data check runs on a CPU node with Debian's python3 and
python3-numpy. GPU libraries are imported inside the GPU code paths of each payload.
"""
import argparse
import glob
import hashlib
import json
import os
import sys
import time


def parse_args(kind, argv=None):
    """Parses a payload's command line and returns (config dict, args); --config names the job.json soro wrote."""
    p = argparse.ArgumentParser(description="soro-data %s job payload" % kind)
    p.add_argument("--config", required=True, help="job.json written by `soro train submit`")
    p.add_argument("--data-check", action="store_true",
                   help="open the export, count documents and tokens, compare with the manifest; no GPU")
    p.add_argument("--max-steps", type=int, default=None, help="stop after this many optimizer steps")
    p.add_argument("--out", default=None, help="output folder (default: the config's out_dir)")
    args = p.parse_args(argv)
    try:
        with open(args.config, encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, ValueError) as e:
        p.error("cannot read job config %s: %s" % (args.config, e))
    if cfg.get("soro_job") != 1:
        p.error("%s is not a soro job config" % args.config)
    kinds = ("quantize-fp8", "quantize-int4") if kind == "quantize" else (kind,)
    if cfg.get("kind") not in kinds:
        p.error("%s is a %s job, not %s" % (args.config, cfg.get("kind"), "/".join(kinds)))
    if args.data_check:
        cfg["data_check"] = True
    if args.max_steps is not None:
        cfg["max_steps"] = args.max_steps
    if args.out:
        cfg["out_dir"] = args.out
    return cfg, args


def log(msg, **fields):
    """One JSON line on stdout: what a log reader (and `soro train logs`) sees."""
    rec = {"t": round(time.time(), 3), "msg": msg}
    rec.update(fields)
    # One write per record: ranks of a torchrun job share stdout, and a record split across writes could interleave.
    sys.stdout.flush()
    os.write(sys.stdout.fileno(), (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8"))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(cfg):
    """The export's manifest, refused when it is not the one the job was planned on."""
    path = os.path.join(cfg["export_dir"], "manifest.json")
    with open(path, "rb") as f:
        raw = f.read()
    digest = hashlib.sha256(raw).hexdigest()
    if cfg.get("manifest_sha256") and digest != cfg["manifest_sha256"]:
        raise SystemExit("%s changed since the job was planned (sha256 %s, planned %s)"
                         % (path, digest, cfg["manifest_sha256"]))
    return json.loads(raw.decode("utf-8"))


def verify_files(export_dir, manifest):
    """Every file of the manifest: present, of its size and sha256. Returns the problems found."""
    problems = []
    for f in manifest["files"]:
        path = os.path.join(export_dir, f["path"])
        if not os.path.exists(path):
            problems.append("%s: missing" % f["path"])
        elif os.path.getsize(path) != f["bytes"]:
            problems.append("%s: %d bytes, manifest says %d" % (f["path"], os.path.getsize(path), f["bytes"]))
        elif sha256_file(path) != f["sha256"]:
            problems.append("%s: sha256 differs from the manifest" % f["path"])
    return problems


def megatron_index(prefix):
    """(lengths, pointers) of a Megatron IndexedDataset, read with numpy without loading the .bin."""
    import struct
    import numpy as np
    with open(prefix + ".idx", "rb") as f:
        if f.read(9) != b"MMIDIDX\x00\x00":
            raise ValueError("%s.idx is not a Megatron index" % prefix)
        struct.unpack("<Q", f.read(8))
        (code,) = struct.unpack("<B", f.read(1))
        (seqs,) = struct.unpack("<Q", f.read(8))
        struct.unpack("<Q", f.read(8))
        offset = f.tell()
    idx = np.memmap(prefix + ".idx", mode="r")
    lengths = np.frombuffer(idx, dtype=np.int32, count=seqs, offset=offset)
    pointers = np.frombuffer(idx, dtype=np.int64, count=seqs, offset=offset + lengths.nbytes)
    return code, lengths, pointers


def megatron_tokens(prefix):
    """The .bin of a Megatron dataset as an int32 memmap."""
    import numpy as np
    return np.memmap(prefix + ".bin", mode="r", dtype=np.int32)


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


def count_export(export_dir, manifest):
    """Documents and tokens (without BOS/EOS) of an export, counted from its files; None where unreadable here."""
    fmt = manifest["format"]
    framing = (manifest["tokenizer"].get("bos") is not None) + (manifest["tokenizer"].get("eos") is not None)
    if fmt == "megatron":
        docs = tokens = 0
        for prefix in manifest["extra"]["megatron"]["prefixes"].values():
            _, lengths, _ = megatron_index(os.path.join(export_dir, prefix))
            docs += len(lengths)
            tokens += int(lengths.sum()) - framing * len(lengths)
        return {"docs": docs, "tokens": tokens}
    if fmt == "jsonl":
        docs = tokens = 0
        counted = True
        for path in sorted(glob.glob(os.path.join(export_dir, "data", "*", "*.jsonl"))):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if not line.strip():
                        continue
                    docs += 1
                    n = json.loads(line).get("tokens")
                    counted = counted and n is not None
                    tokens += n or 0
        return {"docs": docs, "tokens": tokens if counted else None}
    if fmt == "parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            return {"docs": None, "tokens": None, "note": "pyarrow missing: parquet checked by checksum only"}
        docs = tokens = 0
        for path in sorted(glob.glob(os.path.join(export_dir, "data", "*", "*.parquet"))):
            t = pq.read_table(path, columns=["tokens"])
            docs += t.num_rows
            tokens += sum(v for v in t.column("tokens").to_pylist() if v is not None)
        return {"docs": docs, "tokens": tokens if manifest.get("tokens") is not None else None}
    if fmt.startswith("mds"):
        with open(os.path.join(export_dir, "mds", "index.json"), encoding="utf-8") as f:
            index = json.load(f)
        return {"docs": sum(s["samples"] for s in index["shards"]), "tokens": None,
                "note": "MDS: samples counted from index.json"}
    if fmt == "sft":
        return {"docs": count_lines(os.path.join(export_dir, "sft", "messages.jsonl")), "tokens": None}
    return {"docs": None, "tokens": None, "note": "format %s: checked by checksum only" % fmt}


def data_check(cfg):
    """Opens the export, verifies checksums, counts documents and tokens and compares them with the manifest.

    Prints one JSON report and returns the process exit code (0 when everything agrees).
    """
    started = time.time()
    manifest = read_manifest(cfg)
    export_dir = cfg["export_dir"]
    problems = verify_files(export_dir, manifest)
    counted = count_export(export_dir, manifest)
    if counted.get("docs") is not None and counted["docs"] != manifest["docs"]:
        problems.append("documents: counted %d, manifest says %d" % (counted["docs"], manifest["docs"]))
    if counted.get("tokens") is not None and manifest.get("tokens") is not None \
            and counted["tokens"] != manifest["tokens"]:
        problems.append("tokens: counted %d, manifest says %d" % (counted["tokens"], manifest["tokens"]))
    extra = manifest.get("extra") or {}
    if cfg["kind"] == "quantize-int4" or manifest["format"] == "sft":
        chat = os.path.join(export_dir, "calibration", "chat.jsonl")
        if os.path.exists(chat):
            n = count_lines(chat)
            want = (extra.get("sft") or {}).get("calibration")
            if want is not None and n != want:
                problems.append("calibration samples: counted %d, manifest says %d" % (n, want))
            counted["calibration_samples"] = n
    report = {
        "job_id": cfg.get("job_id"),
        "kind": cfg["kind"],
        "export": export_dir,
        "format": manifest["format"],
        "files": len(manifest["files"]),
        "manifest": {"docs": manifest["docs"], "tokens": manifest.get("tokens")},
        "counted": counted,
        "problems": problems,
        "ok": not problems,
        "seconds": round(time.time() - started, 3),
    }
    print(json.dumps(report, ensure_ascii=False), flush=True)
    for p in problems:
        print("data check: " + p, file=sys.stderr, flush=True)
    return 0 if not problems else 1


def run_payload(kind, work, argv=None):
    """A payload's main: parses its command line, then runs the data check when asked, else `work(cfg)`.

    Returns the process exit code.
    """
    cfg, _ = parse_args(kind, argv)
    if cfg["data_check"]:
        return data_check(cfg)
    work(cfg)
    return 0


# Tokenizer files a checkpoint needs beside its weights. transformers 5's save_pretrained no longer writes the
# SentencePiece tokenizer.model, and llama.cpp's Gemma 3 converter cannot run without it, so every payload copies
# these from the checkpoint it started from.
TOKENIZER_FILES = ("tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                   "chat_template.jinja", "chat_template.json", "added_tokens.json")


def tokenizer_source(cfg):
    """Where the tokenizer files come from: the base checkpoint, or for a tiny random model the tokenizer_dir."""
    m = cfg["model"]
    return m.get("tokenizer_dir") if m["tiny"] else m["path"]


def carry_tokenizer(cfg, out_dir):
    """Copies the base checkpoint's tokenizer files (tokenizer.model above all) into out_dir; returns their names."""
    import shutil
    src = tokenizer_source(cfg)
    copied = []
    if not src:
        log("no tokenizer to carry: a tiny model without tokenizer_dir", out=out_dir)
        return copied
    for name in TOKENIZER_FILES:
        path = os.path.join(src, name)
        if not os.path.isdir(src):
            path = hub_file(src, name)
        if path and os.path.exists(path):
            shutil.copyfile(path, os.path.join(out_dir, name))
            copied.append(name)
    if "tokenizer.model" not in copied:
        log("warning: %s has no tokenizer.model; GGUF conversion of %s will fail" % (src, out_dir))
    return copied


def hub_file(repo, name):
    """A file of a Hugging Face hub repository from the local cache or the hub, or None where it has none."""
    try:
        from huggingface_hub import hf_hub_download
        return hf_hub_download(repo, name)
    except Exception:  # noqa: BLE001 - any miss (no such file, offline) means: not there
        return None


def check_tokenizer_model(path, vocab_size=None):
    """Problems with a checkpoint's SentencePiece tokenizer.model (empty list when it loads and fits the model)."""
    f = os.path.join(path, "tokenizer.model")
    if not os.path.exists(f):
        return ["%s: missing (llama.cpp's Gemma 3 converter needs it; copy it from the base checkpoint)" % f]
    try:
        import sentencepiece
        sp = sentencepiece.SentencePieceProcessor(model_file=f)
    except Exception as e:  # noqa: BLE001 - sentencepiece raises plain RuntimeError/OSError on bad files
        return ["%s: not a SentencePiece model (%s)" % (f, str(e).splitlines()[0] if str(e) else type(e).__name__)]
    if vocab_size is not None and sp.get_piece_size() > vocab_size:
        return ["%s: %d pieces, more than the model's vocab_size %d" % (f, sp.get_piece_size(), vocab_size)]
    return []


def torch_device(cfg, torch, local_rank=0):
    """The device a payload runs on: the config's `device` (cpu, cuda) or, by default, CUDA when there is one."""
    want = cfg.get("device") or "auto"
    if want == "cuda" or (want == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise SystemExit("device cuda asked for, but torch sees no CUDA device")
        torch.cuda.set_device(local_rank)
        return torch.device("cuda", local_rank)
    return torch.device("cpu")


def train_dtype(torch, device):
    """bf16 where the GPU computes it natively, float32 on CPU (bf16 matmuls there are slow and lossy)."""
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


def peak_memory_bytes(torch, device):
    """Peak memory so far: CUDA allocations on a GPU, the process's peak RSS on CPU."""
    if device.type == "cuda":
        return int(torch.cuda.max_memory_allocated(device))
    import resource
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


class StepMeter:
    """Times optimizer steps and logs one JSON line each: loss, lr, tokens/s, MFU and peak memory.

    MFU is 6·N·(tokens/s) over the peak FLOP/s of all devices (`peak_flops` per device in the config).
    """

    def __init__(self, cfg, torch, device, n_params, world):
        self.torch, self.device, self.n_params, self.world = torch, device, n_params, world
        self.peak = float(cfg.get("peak_flops") or 0) * world
        self.started = time.time()
        self.tokens = 0
        self.t0 = self.started

    def begin(self):
        if self.device.type == "cuda":
            self.torch.cuda.synchronize(self.device)
        self.t0 = time.time()

    def end(self, step, loss, lr, tokens):
        if self.device.type == "cuda":
            self.torch.cuda.synchronize(self.device)
        seconds = max(time.time() - self.t0, 1e-9)
        self.tokens += tokens
        tps = tokens / seconds
        log("step", step=step, loss=round(loss, 4), lr=lr, tokens=self.tokens, step_seconds=round(seconds, 4),
            tokens_per_s=round(tps, 1), mfu=round(6 * self.n_params * tps / self.peak, 5) if self.peak else None,
            peak_memory_bytes=peak_memory_bytes(self.torch, self.device))


def write_provenance(cfg, out_dir, **fields):
    """soro_job.json beside a checkpoint: which job, export and manifest made it."""
    os.makedirs(out_dir, exist_ok=True)
    rec = {"job_id": cfg.get("job_id"), "kind": cfg["kind"], "export_dir": cfg["export_dir"],
           "manifest_sha256": cfg.get("manifest_sha256"), "model": cfg["model"]}
    rec.update(fields)
    with open(os.path.join(out_dir, "soro_job.json"), "w", encoding="utf-8") as f:
        json.dump(rec, f, indent=2, ensure_ascii=False)
