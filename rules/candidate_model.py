"""The safety net's judge: a spaCy text classifier (textcat, bag of words on a blank "xx" pipeline) that keeps
or drops a possible task. Built by scripts/build_candidate_model.py from the gold sets; shipped as one file.

The shipped file was built, from the repository root, with
    python scripts/build_candidate_model.py --out rules/data/candidate_textcat.bin \
        ../shared/corpus ../shared/corpus-real tests/fixtures/notices tests/fixtures/notices_*
(the same bytes every time for the same sets and pieces: rebuild it whenever rules/candidates.py changes
what a piece is). spaCy is imported only when a model is loaded (once per process: the sandbox child loads it
on its first
message). No model download: blank("xx") tokenization, weights from rules/data/candidate_textcat.bin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).parent / "data" / "candidate_textcat.bin"
LABELS = ("TASK", "OTHER")
THRESHOLD = 0.5  # keep a candidate whose TASK probability reaches this
# The one pipeline shape: the build script trains it, the loader rebuilds it before reading the weights.
TEXTCAT_CONFIG: dict[str, Any] = {
    "threshold": 0.5,
    "model": {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": True,
        "ngram_size": 2,
        "no_output_layer": False,
        "length": 65536,  # hash buckets: small file, enough for a few thousand sentences
    },
}


class ModelError(ValueError):
    """The classifier file is missing or does not fit the pipeline."""


def blank_pipeline() -> Any:
    """blank("xx") + textcat with TEXTCAT_CONFIG and LABELS, untrained."""
    import spacy  # lazy: 450 ms at import; only loading or building the classifier needs it

    nlp = spacy.blank("xx")
    textcat = nlp.add_pipe("textcat", config=TEXTCAT_CONFIG)
    for label in LABELS:
        textcat.add_label(label)  # type: ignore[attr-defined]  # add_pipe is typed as returning a bare callable
    return nlp


@dataclass(frozen=True, slots=True)
class SpacyJudge:
    """Probability that a piece is a task; candidates below `threshold` are dropped."""

    nlp: Any
    threshold: float = THRESHOLD

    def scores(self, texts: Sequence[str]) -> list[float]:
        return [float(doc.cats.get("TASK", 0.0)) for doc in self.nlp.pipe(texts)]


def load_judge(path: Path = MODEL_PATH, *, threshold: float = THRESHOLD) -> SpacyJudge:
    """The classifier saved at `path` (nlp.to_bytes of blank_pipeline()); ModelError when unusable."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise ModelError(f"cannot read the candidate model {path}: {err.strerror or err}") from err
    nlp = blank_pipeline()
    try:
        nlp.from_bytes(data, exclude=["vocab"])
    except Exception as err:  # noqa: BLE001 - spaCy/thinc/srsly raise many types for a foreign file
        raise ModelError(f"{path} is not a candidate model for this pipeline: {type(err).__name__}") from err
    return SpacyJudge(nlp, threshold)


@lru_cache(maxsize=4)
def shipped_judge(path: Path = MODEL_PATH) -> SpacyJudge | None:
    """The shipped model, loaded once per process; None when it is absent (the net then keeps every piece)."""
    return load_judge(path) if Path(path).exists() else None
