"""The check itself: every number of a document accounted for, and every accounting true."""
from . import rules
from .scan import Document, code_and_links, prediction_columns
from .tables import regions


def check(doc, claims, allow, generators, write=False, pending=()):
    """Failures (strings naming file, line and number) of one Document; with write, regions are regenerated and
    the new text is returned as the second value (else None)."""
    failures = []
    new_text = None

    # generated regions first: with --write they are replaced, and the rest is checked on the new text
    if write:
        text = doc.text
        for m in reversed(regions(text)):
            name = m.group("name")
            try:
                text = text[:m.start("body")] + generators[name]() + text[m.end("body"):]
            except (KeyError, OSError, IndexError, ValueError, TypeError):
                pass  # reported below as a region that cannot be computed
        if text != doc.text:
            new_text = text
            doc = Document(doc.path, text)
    for m in regions(doc.text):
        name = m.group("name")
        line, _ = doc.where(m.start())
        if name not in generators:
            failures.append(f"{doc.path}:{line}: region '{name}' has no generator in scripts/numbers/tables.py")
            continue
        try:
            wanted = generators[name]()
        except (OSError, KeyError, IndexError, ValueError, TypeError) as e:
            failures.append(f"{doc.path}:{line}: region '{name}': cannot compute it: {type(e).__name__}: {e}")
            continue
        if m.group("body") != wanted:
            got, exp = m.group("body").split("\n"), wanted.split("\n")
            k = next((i for i in range(min(len(got), len(exp))) if got[i] != exp[i]), min(len(got), len(exp)))
            failures.append(f"{doc.path}:{line + 1 + k}: region '{name}' is not what its generator prints now "
                            f"(run scripts/check-numbers.py --write): has \"{got[k] if k < len(got) else ''}\", "
                            f"expected \"{exp[k] if k < len(exp) else ''}\"")
        doc.cover(m.start(), m.end(), f"generated table '{name}'")

    for name, sources, compute in claims:
        where = ", ".join(sources)
        try:
            expected = compute()
        except (OSError, KeyError, IndexError, ValueError, TypeError) as e:
            failures.append(f"{doc.path}: claim '{name}': cannot compute it from {where}: {type(e).__name__}: {e}")
            continue
        for text in expected:
            spans = doc.find_normalized(text)
            if not spans:
                failures.append(f"{doc.path}:{_nearest_line(doc, text)}: claim '{name}': {where} gives \"{' '.join(text.replace('**', '').split())}\", "
                                f"which {doc.path} does not say")
            for start, end in spans:
                doc.cover(start, end, f"claim '{name}'")

    for phrase, reason in allow:
        spans = doc.find_normalized(phrase)
        if not spans:
            failures.append(f"{doc.path}: allow-list phrase \"{phrase}\" ({reason}) no longer occurs: remove or update it")
        for start, end in spans:
            doc.cover(start, end, f"allowed: {reason}")

    for start, end, why in code_and_links(doc) + prediction_columns(doc):
        doc.cover(start, end, why)
    rules.apply(doc)

    for opening, source in pending:
        starts = [doc.line_starts[n] for n, line in enumerate(doc.lines) if line.startswith(opening)]
        if not starts:
            failures.append(f"{doc.path}: pending line \"{opening}\" no longer occurs: remove its entry from numbers_check/pending.py")
        before = len(doc.covered)
        for start in starts:
            doc.cover(start, doc.text.find("\n", start) % (len(doc.text) + 1), f"PENDING: not yet bound to {source}")
        if starts and len(doc.covered) == before:
            failures.append(f"{doc.path}: pending line \"{opening}\" has no unbound number left: remove its entry from numbers_check/pending.py")

    for offset, number in doc.numbers:
        if offset not in doc.covered:
            line, column = doc.where(offset)
            failures.append(f"{doc.path}:{line}:{column}: number {number} is not accounted for "
                            f"(no generated table, claim, rule or allow-list entry): \"{doc.lines[line - 1].strip()[:140]}\"")
    return failures, new_text


def _nearest_line(doc, text):
    """The line where the claim's text most nearly begins (its longest prefix found), to point the reader at it."""
    words = " ".join(text.replace("**", "").split())
    for cut in range(len(words), 8, -4):
        spans = doc.find_normalized(words[:cut])
        if spans:
            return doc.where(spans[0][0])[0]
    return 1
