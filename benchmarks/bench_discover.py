#!/usr/bin/env python3
"""Time ``licscan discover`` over a generated tree of 20,000 source files.

    python benchmarks/bench_discover.py [--files N] [--runs N] [--workers N] [--keep DIR]

The tree mimics a large monorepo: Python packages (most modules load no
model; one in twenty loads Hub models or calls a hosted API, through
constants, loops and clients), notebooks, YAML/JSON/TOML configs, shell
scripts, Dockerfiles and TypeScript. It is written once to a temporary
folder (outside git, so the pruned walk runs), then discovered ``--runs``
times; the median wall time and the files per second are printed, with the
models and APIs found (which must match what was planted). Target (issue 13):
under 10 s for 20,000 files.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from licscan.discover.engine import discover  # noqa: E402

PLAIN = '''"""Module {i}: business logic with no model in it."""

from __future__ import annotations

import dataclasses
import logging

LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Record{i}:
    key: str
    value: int = 0

    def describe(self) -> str:
        return f"{{self.key}}={{self.value}}"


def transform_{i}(items: list[Record{i}]) -> dict[str, int]:
    out: dict[str, int] = {{}}
    for item in items:
        if item.value < 0:
            LOG.warning("negative value for %s", item.key)
            continue
        out[item.key] = out.get(item.key, 0) + item.value
    return out
''' + "\n".join(f"\ndef helper_{{i}}_{n}(x: int) -> int:\n    return x * {n} + {n}\n" for n in range(20))

LOADER = """from openai import OpenAI
from transformers import AutoModel, AutoTokenizer

MODEL_ID = "bench-org/model-{i}"
CANDIDATES = ["bench-org/candidate-{i}-a", "bench-org/candidate-{i}-b"]
client = OpenAI(base_url="https://api.groq.com/openai/v1")


def load():
    tok = AutoTokenizer.from_pretrained(MODEL_ID)
    for name in CANDIDATES:
        AutoModel.from_pretrained(name)
    return client.chat.completions.create(model="llama-3.1-8b-instant", messages=[]), tok
"""
YAML = "model_name_or_path: bench-org/config-{i}\nlearning_rate: 2.0e-5\noutput_dir: ./out\nepochs: 3\n"
TS = """import {{ openai }} from "@ai-sdk/openai";
import {{ generateText }} from "ai";

export async function run{i}(prompt: string) {{
  return generateText({{ model: openai("gpt-4o-mini"), prompt }});
}}
"""
TS_PLAIN = "export function add{i}(a: number, b: number): number {{\n  return a + b;\n}}\n" * 5
SHELL = "#!/bin/sh\nset -e\npython -m app.worker --queue q{i}\necho done\n"
JSON = '{{"name": "pkg{i}", "settings": {{"retries": 3, "timeout": 30}}}}\n'


def build(root: Path, files: int) -> dict[str, int]:
    rng = random.Random(13)
    planted = {"models": 0, "apis": 0}
    for i in range(files):
        folder = root / f"pkg{i // 200}" / f"sub{i % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        roll = rng.random()
        if roll < 0.62:
            if i % 20 == 0:
                (folder / f"load_{i}.py").write_text(LOADER.format(i=i))
                planted["models"] += 3
            else:
                (folder / f"mod_{i}.py").write_text(PLAIN.format(i=i))
        elif roll < 0.72:
            (folder / f"cfg_{i}.yaml").write_text(YAML.format(i=i))
            planted["models"] += 1
        elif roll < 0.82:
            if i % 10 == 0:
                (folder / f"ai_{i}.ts").write_text(TS.format(i=i))
            else:
                (folder / f"util_{i}.ts").write_text(TS_PLAIN.format(i=i))
        elif roll < 0.90:
            (folder / f"run_{i}.sh").write_text(SHELL.format(i=i))
        elif roll < 0.97:
            (folder / f"settings_{i}.json").write_text(JSON.format(i=i))
        else:
            cells = [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "outputs": [],
                    "execution_count": 1,
                    "source": ["import pandas as pd\n", f"df = pd.read_csv('data_{i}.csv')\n"],
                }
            ]
            (folder / f"nb_{i}.ipynb").write_text(
                json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
            )
    return planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the tree here and keep it")
    parser.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="licscan-bench-") as tmp:
        root = args.keep or Path(tmp) / "tree"
        started = time.perf_counter()
        planted = build(root, args.files)
        print(f"tree: {args.files} files written in {time.perf_counter() - started:.1f} s ({root})")
        times = []
        result = None
        for _ in range(args.runs):
            started = time.perf_counter()
            result = discover([root], workers=args.workers)
            times.append(time.perf_counter() - started)
        assert result is not None
        found = sum(len(m.locations) for m in result.models)
        median = statistics.median(times)
        print(
            f"discover: median {median:.2f} s over {args.runs} runs ({min(times):.2f}-{max(times):.2f} s), "
            f"{result.files / median:,.0f} files/s"
        )
        print(
            f"found {found} model locations (planted {planted['models']}), {len(result.apis)} distinct APIs, "
            f"{len(result.warnings)} warnings"
        )
        print("target: under 10 s for 20,000 files:", "met" if median < 10 else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
