"""Evaluates a checkpoint with lm-evaluation-harness on the export's generated Tajik tasks (eval/*.yaml), BOS on.

  python3 run_eval.py --config job.json [--data-check]

Gemma models score badly without <bos>, so the hf model gets add_bos_token=True. Results go to
<out_dir>/results.json. lm_eval is imported only in evaluate().
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soro_common as common  # noqa: E402


def task_names(cfg):
    """The configured tasks, or every task YAML the export holds."""
    if cfg.get("eval_tasks"):
        return cfg["eval_tasks"]
    return sorted(os.path.splitext(os.path.basename(p))[0]
                  for p in glob.glob(os.path.join(cfg["export_dir"], "eval", "*.yaml")))


def evaluate(cfg):
    import lm_eval
    import torch
    from lm_eval.tasks import TaskManager
    device = common.torch_device(cfg, torch)
    dtype = "bfloat16" if common.train_dtype(torch, device) == torch.bfloat16 else "float32"
    eval_dir = os.path.join(cfg["export_dir"], "eval")
    # The task YAML names its data file relative to the folder lm_eval runs in.
    os.chdir(eval_dir)
    tasks = task_names(cfg)
    results = lm_eval.simple_evaluate(
        model="hf",
        model_args="pretrained=%s,add_bos_token=True,dtype=%s" % (cfg["model"]["path"], dtype),
        tasks=tasks,
        task_manager=TaskManager(include_path=eval_dir),
        # lm_eval picks CUDA by default; name the device so a CPU node runs too.
        device=str(device),
        batch_size="auto" if device.type == "cuda" else 4,
    )
    os.makedirs(cfg["out_dir"], exist_ok=True)
    with open(os.path.join(cfg["out_dir"], "results.json"), "w", encoding="utf-8") as f:
        json.dump(results["results"], f, indent=2, ensure_ascii=False, default=str)
    common.write_provenance(cfg, cfg["out_dir"], tasks=tasks)
    common.log("eval done", results=results["results"])


def main(argv=None):
    cfg, _ = common.parse_args("eval", argv)
    if cfg["data_check"]:
        code = common.data_check(cfg)
        common.log("eval tasks", tasks=task_names(cfg))
        return code
    evaluate(cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
