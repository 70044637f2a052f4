"""Finds the numbers of a markdown document and keeps the map from its normalized text back to lines.

A number is a run of digits (with thousands commas and one decimal point) that is not part of a word: `fp16`,
`T1305`, `x64` and `Llama-3.2-1B` hold no number, `0.998x`, `22 ms`, `96.4-106 %` hold numbers.
The normalized text drops markdown bold (`**`) and collapses whitespace, so a claim may span a line break.
"""
import re

NUMBER = re.compile(r"(?<![\w.])(?<![A-Za-z]-)\d+(?:,\d{3})*(?:\.\d+)?(?:x|ms|µs|s)?(?![\w])")


class Document:
    def __init__(self, path, text):
        self.path = path
        self.text = text
        self.lines = text.split("\n")
        self.line_starts = [0]
        for line in self.lines:
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.normalized, self.origin = _normalize(text)
        self.numbers = [(m.start(), m.group()) for m in NUMBER.finditer(text)]
        self.covered = {}  # offset of a number -> why it is accounted for

    def where(self, offset):
        """1-based (line, column) of an offset into the original text."""
        lo, hi = 0, len(self.lines)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.line_starts[lo] + 1

    def cover(self, start, end, why):
        """Accounts for every number that starts inside original offsets [start, end)."""
        for offset, _ in self.numbers:
            if start <= offset < end and offset not in self.covered:
                self.covered[offset] = why

    def find_normalized(self, phrase):
        """Original [start, end) spans of every occurrence of phrase (normalized) in the document."""
        wanted = " ".join(phrase.replace("**", "").split())
        spans, at = [], self.normalized.find(wanted)
        while wanted and at >= 0:
            spans.append((self.origin[at], self.origin[at + len(wanted) - 1] + 1))
            at = self.normalized.find(wanted, at + 1)
        return spans


def _normalize(text):
    out, origin, i, space = [], [], 0, False
    while i < len(text):
        if text.startswith("**", i):
            i += 2
            continue
        c = text[i]
        if c.isspace():
            if not space and out:
                out.append(" ")
                origin.append(i)
            space = True
        else:
            out.append(c)
            origin.append(i)
            space = False
        i += 1
    return "".join(out), origin


def code_and_links(doc):
    """Spans that are code (fenced, indented, `inline`), link targets and HTML comments: commands, paths, flags,
    identifiers and markers, never a measurement."""
    spans, fenced = [], False
    for n, line in enumerate(doc.lines):
        start = doc.line_starts[n]
        if line.startswith("```"):
            fenced = not fenced
            spans.append((start, start + len(line), "code block"))
            continue
        if fenced or (line.startswith("    ") and not line.lstrip().startswith(("|", "-", "*"))):
            spans.append((start, start + len(line), "code block"))
            continue
        for m in re.finditer(r"`[^`]*`", line):
            spans.append((start + m.start(), start + m.end(), "inline code"))
        for m in re.finditer(r"\]\([^)]*\)", line):
            spans.append((start + m.start(), start + m.end(), "link target"))
    for m in re.finditer(r"<!--.*?-->", doc.text, re.S):
        spans.append((m.start(), m.end(), "comment"))
    return spans


def prediction_columns(doc):
    """Cells of a table column headed 'prediction' or naming the case ('knob or case', 'case', '#'): written before
    the runs or naming what was run, never a measurement. The 'Outcome' column is not covered here."""
    spans, header = [], None
    for n, line in enumerate(doc.lines):
        if not line.startswith("|"):
            header = None
            continue
        cells = line.split("|")[1:-1]
        if header is None:
            header = [c.strip().lower() for c in cells]
            continue
        at = doc.line_starts[n] + 1
        for name, cell in zip(header, cells):
            if name in ("prediction", "knob or case", "case", "#"):
                spans.append((at, at + len(cell), f"a table's '{name}' column (written before the runs, or naming the run)"))
            at += len(cell) + 1
    return spans
