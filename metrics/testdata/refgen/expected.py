"""Compute reference scores for ../diff_pairs.jsonl.gz with the reference
libraries, in the JSON shape `occbench score` prints, one file per
configuration: ../diff_expected_<name>.json.gz.

Needs sacrebleu 2.x, nltk and rouge-score importable (pip install sacrebleu
nltk rouge-score). Run: python3 expected.py
"""
import gzip
import json
import math
import os

from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, sentence_bleu
from rouge_score import rouge_scorer
from sacrebleu.metrics import BLEU

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIGS = {
    # name: (sacrebleu smooth, nltk method, nltk tokenize, lowercase, stem)
    "default": ("exp", "method0", "13a", False, False),
    "floor_m1_ws_stem": ("floor", "method1", "whitespace", False, True),
    "addk_m4_lc_stem": ("add-k", "method4", "13a", True, True),
    "none_m2": ("none", "method2", "13a", False, False),
    "exp_m3_lc_ws": ("exp", "method3", "whitespace", True, False),
    "m5": ("exp", "method5", "13a", False, False),
    "m6": ("exp", "method6", "13a", False, True),
    "m7": ("exp", "method7", "whitespace", False, False),
}
TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


def clean(x):
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def bleu_json(s):
    return {"score": clean(float(s.score)), "counts": list(s.counts), "totals": list(s.totals),
            "precisions": [clean(float(p)) for p in s.precisions], "bp": clean(float(s.bp)),
            "sys_len": s.sys_len, "ref_len": s.ref_len}


def rouge_json(sc):
    return {t: {"precision": sc[t].precision, "recall": sc[t].recall, "fmeasure": sc[t].fmeasure} for t in TYPES}


def main():
    with gzip.open(os.path.join(HERE, "..", "diff_pairs.jsonl.gz"), "rt", encoding="utf-8") as f:
        pairs = [json.loads(l) for l in f if l.strip()]
    hyps = [p["hypothesis"] for p in pairs]
    refs = [p["reference"] for p in pairs]
    for name, (smooth, method, ntok, lc, stem) in CONFIGS.items():
        sent = BLEU(smooth_method=smooth, lowercase=lc, effective_order=True)
        corp = BLEU(smooth_method=smooth, lowercase=lc, effective_order=False)
        fn = getattr(SmoothingFunction(), method)
        if ntok == "13a":
            tok = lambda s: sent._preprocess_segment(s).split()
        elif lc:
            tok = lambda s: s.lower().split()
        else:
            tok = lambda s: s.split()
        scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stem)
        items = []
        for p in pairs:
            try:
                nb = float(sentence_bleu([tok(p["reference"])], tok(p["hypothesis"]), smoothing_function=fn))
            except AssertionError:
                nb = None
            items.append({"id": p["id"],
                          "sacrebleu": bleu_json(sent.sentence_score(p["hypothesis"], [p["reference"]])),
                          "nltk_bleu": clean(nb),
                          "rouge": rouge_json(scorer.score(p["reference"], p["hypothesis"]))})
        try:
            cn = float(corpus_bleu([[tok(r)] for r in refs], [tok(h) for h in hyps], smoothing_function=fn))
        except AssertionError:
            cn = None
        mean = {t: {k: math.fsum(it["rouge"][t][k] for it in items) / len(items)
                    for k in ("precision", "recall", "fmeasure")} for t in TYPES}
        out = {"signature": {"sacrebleu": str(corp.get_signature()) if False else "", "nltk": "", "rouge": ""},
               "corpus": {"sacrebleu": bleu_json(corp.corpus_score(hyps, [refs])), "nltk_bleu": clean(cn),
                          "rouge": mean},
               "items": items}
        out["signature"]["sacrebleu"] = str(corp.get_signature())
        out["config"] = {"smooth": smooth, "nltk_smoothing": method, "nltk_tokenize": ntok,
                         "lowercase": lc, "stem": stem}
        path = os.path.join(HERE, "..", f"diff_expected_{name}.json.gz")
        with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as g:
            g.write((json.dumps(out, ensure_ascii=False) + "\n").encode("utf-8"))


if __name__ == "__main__":
    main()
