"""Numbers that are not measurements, recognised by their form wherever they appear (each rule says why).

A rule is a regex; every number inside one of its matches is accounted for by the rule's reason. Keep rules
narrow: a rule that could swallow a measured figure belongs in allow.py as a phrase instead.
"""
import re

RULES = [
    (r"\b\d{4}-\d{2}-\d{2}\b", "a date"),
    (r"\b(?:[Ii]ssues?|item|items) \d+(?: items? \d+)?(?:\s*(?:and|,)\s*\d+)*", "an issue or item number"),
    (r"(?m)^\s*\d+\. ", "a list ordinal"),
    (r"\bv?\d+\.\d+\.\d+(?:\.\d+)?\b", "a version (x.y.z)"),
    (r"\.NET \d+", "the .NET version"),
    (r"(?<![\w.])(?:fp|f)?(?:16|32) ?(?:storage|bits?)\b", "a storage type"),
    (r"\bN ?= ?\d+(?: and \d+)?", "a pool size N (a benchmark setting)"),
    (r"\bk ?= ?\d+(?:, \d+)*(?:,? and \d+)?", "a setting k (adapters mixed or kept)"),
    (r"\brank[ -]\d+\b", "a LoRA rank (a setting)"),
    (r"\b\d+ (?:layers|blocks)\b", "a model's layer count (a property of the model)"),
    (r"\b\d+ cores\b|\b\d+-core\b|\b\d+ cores?\b", "a machine's core count"),
    (r"(?i:median|medians|best|mean) of \d+", "a repetition count (a benchmark setting)"),
    (r"\d+(?:,\d{3})* MiB HBM3e|\d+ GiB, Debian|\d+GB HBM3", "a device's memory size (hardware spec)"),
    (r"\bDebian \d+|\bMesa (?:lavapipe )?\d+|\bUbuntu \d+(?:\.\d+)*|\bVulkan \d+\.\d+|\bACL \d{4}|arXiv \d+\.\d+",
     "a product or publication name and version"),
]

COMPILED = [(re.compile(pattern), reason) for pattern, reason in RULES]


def apply(doc):
    for pattern, reason in COMPILED:
        for m in pattern.finditer(doc.text):
            doc.cover(m.start(), m.end(), f"rule: {reason}")
