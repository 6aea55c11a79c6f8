#!/usr/bin/env python3
"""Build the safety net's judge (rules/data/candidate_textcat.bin) from gold sets. Deterministic (fixed seed).

Every order-like piece (rules.candidates.pieces) of every gold document's .txt is one example: TASK when it
overlaps a gold task's quote (required or optional), OTHER otherwise. Usage:

    python scripts/build_candidate_model.py --out rules/data/candidate_textcat.bin \
        ../shared/corpus ../shared/corpus-real tests/fixtures/notices tests/fixtures/notices_*

Measure without the set you measure on: build with `--out /tmp/heldout.bin` leaving that folder out, then
`docket eval FOLDER --candidate-model /tmp/heldout.bin`.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from pathlib import Path

SEED = 0
EPOCHS = 12
BATCH = 16


def examples(folder: Path) -> list[tuple[str, bool]]:
    """(piece text, is it a task) for every order-like piece of the folder's gold .txt documents."""
    from rules.candidates import judge_text, pieces
    from rules.directory import EMPTY_DIRECTORY, DirectoryError, load_directory

    out: list[tuple[str, bool]] = []
    for gold_path in sorted(folder.glob("*.json")):
        txt = gold_path.with_suffix(".txt")
        if not txt.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = unicodedata.normalize("NFC", txt.read_text(encoding="utf-8"))
        try:
            directory = load_directory(folder / f"directory-{gold.get('org', '')}.yaml")
        except DirectoryError:
            directory = EMPTY_DIRECTORY
        spans = [
            (i, i + len(q))
            for q in (unicodedata.normalize("NFC", t["quote"]) for t in gold.get("tasks", []))
            if (i := text.find(q)) >= 0
        ]
        for p in pieces(text, directory):
            out.append((judge_text(p), any(p.start < e and s < p.end for s, e in spans)))
    return out


def train(data: list[tuple[str, bool]], *, seed: int = SEED, epochs: int = EPOCHS) -> object:
    """A blank("xx") textcat pipeline trained on `data`, the same bytes for the same data and seed."""
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    from rules.candidate_model import blank_pipeline

    fix_random_seed(seed)
    nlp = blank_pipeline()
    gold = [
        Example.from_dict(nlp.make_doc(text), {"cats": {"TASK": float(pos), "OTHER": float(not pos)}})
        for text, pos in data
    ]
    optimizer = nlp.initialize(lambda: gold)
    rng = random.Random(seed)
    for _ in range(epochs):
        order = gold[:]
        rng.shuffle(order)
        for batch in minibatch(order, size=BATCH):
            nlp.update(batch, sgd=optimizer, drop=0.0)
    return nlp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "folders", nargs="+", type=Path, help="Gold sets: NAME.json + NAME.txt (+ directory-ORG.yaml)."
    )
    parser.add_argument("--out", type=Path, required=True, help="Where to write the model file.")
    parser.add_argument(
        "--exclude", type=Path, action="append", default=[], help="A folder to leave out (held-out set)."
    )
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args(argv)
    skip = {p.resolve() for p in args.exclude}
    data = [ex for folder in args.folders if folder.resolve() not in skip for ex in examples(folder)]
    positives = sum(pos for _, pos in data)
    if not positives or positives == len(data):
        print(
            f"build_candidate_model: need both task and non-task pieces (got {positives} of {len(data)})",
            file=sys.stderr,
        )
        return 1
    nlp = train(data, epochs=args.epochs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(nlp.to_bytes(exclude=["vocab"]))  # type: ignore[attr-defined]
    print(
        f"{args.out}: {len(data)} pieces ({positives} tasks) from {len(args.folders) - len(skip)} folder(s), "
        f"{args.out.stat().st_size} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
