"""Checks quantize.py's call sites against the installed llm-compressor: the keyword arguments it passes to oneshot
exist among its argument classes, and the modifiers take targets/scheme/ignore. Prints one JSON line.

  python llmcompressor_api.py
"""
import dataclasses
import inspect
import json

from llmcompressor.args import DatasetArguments, ModelArguments, RecipeArguments
from llmcompressor.modifiers.quantization import GPTQModifier, QuantizationModifier

oneshot_kwargs = ["model", "dataset", "recipe", "processor", "max_seq_length", "num_calibration_samples"]
known = {f.name for cls in (ModelArguments, DatasetArguments, RecipeArguments) for f in dataclasses.fields(cls)}
modifier_fields = {}
for cls in (QuantizationModifier, GPTQModifier):
    fields = set(getattr(cls, "model_fields", {})) or set(inspect.signature(cls).parameters)
    modifier_fields[cls.__name__] = [k for k in ("targets", "scheme", "ignore") if k not in fields]
print(json.dumps({"missing_oneshot_kwargs": [k for k in oneshot_kwargs if k not in known],
                  "missing_modifier_fields": modifier_fields}))
