"""The e2e bench's peer: datatrove on the same JSONL (python datatrove_peer.py ftfy|quality|minhash IN OUT WORKERS).

ftfy: datatrove's FTFYFormatter with its defaults (ftfy's encoding, mojibake, control-character and HTML-entity
repair, the text repair of FineWeb-style pipelines), documents written back as JSONL: normalize's peer for its
Unicode and encoding repair. Language ID has no peer here: datatrove's runs fastText, which this Python index lacks,
with a model from the hub.

quality: Gopher quality + FineWeb quality filters with Tajik settings (FineWeb-2's stop words), documents written
back as JSONL. minhash: MinHash dedup with FineWeb's settings (5-grams, 14 buckets x 8 hashes), all four stages as datatrove runs
them: signatures, bucket matches, clusters, and the filter that writes the surviving documents back as JSONL.
"""

import sys

import xxhash

# datatrove pins xxhash<4, which hashed str; the local index has only 4.x, which wants bytes.
for _name in ("xxh64_intdigest", "xxh32_intdigest"):
    _orig = getattr(xxhash, _name)
    setattr(xxhash, _name, lambda data, *a, _f=_orig, **k: _f(data.encode() if isinstance(data, str) else data, *a, **k))

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter
from datatrove.pipeline.formatters import FTFYFormatter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


LANG = "tgk_Cyrl"
STOP_WORDS = ["дар", "ва", "аз", "ба", "ки", "аст", "соли", "бо", "деҳа", "дорад"]


def main() -> None:
    what, inp, out, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    reader = JsonlReader(inp, glob_pattern="*.jsonl")
    if what == "ftfy":
        steps = [reader, FTFYFormatter(), JsonlWriter(f"{out}/fixed")]
        LocalPipelineExecutor(pipeline=steps, tasks=8, workers=workers, logging_dir=f"{out}/logs").run()
        return
    if what == "quality":
        steps = [
            reader,
            GopherQualityFilter(language=LANG, stop_words=STOP_WORDS, min_stop_words=2),
            FineWebQualityFilter(language=LANG),
            JsonlWriter(f"{out}/kept"),
        ]
        LocalPipelineExecutor(pipeline=steps, tasks=8, workers=workers, logging_dir=f"{out}/logs").run()
        return
    config = MinhashConfig()
    signatures = LocalPipelineExecutor(
        pipeline=[reader, MinhashDedupSignature(output_folder=f"{out}/sigs", config=config, language=LANG)],
        tasks=8,
        workers=workers,
        logging_dir=f"{out}/logs/sigs",
    )
    buckets = LocalPipelineExecutor(
        pipeline=[MinhashDedupBuckets(input_folder=f"{out}/sigs", output_folder=f"{out}/buckets", config=config)],
        tasks=config.num_buckets,
        workers=workers,
        logging_dir=f"{out}/logs/buckets",
        depends=signatures,
    )
    clusters = LocalPipelineExecutor(
        pipeline=[MinhashDedupCluster(input_folder=f"{out}/buckets", output_folder=f"{out}/remove_ids", config=config)],
        tasks=1,
        logging_dir=f"{out}/logs/clusters",
        depends=buckets,
    )
    LocalPipelineExecutor(
        pipeline=[reader, MinhashDedupFilter(input_folder=f"{out}/remove_ids"), JsonlWriter(f"{out}/deduped")],
        tasks=8,
        workers=workers,
        logging_dir=f"{out}/logs/filter",
        depends=clusters,
    ).run()


if __name__ == "__main__":  # the executor's worker processes import this file
    main()
