"""Lines whose measured numbers are not yet bound to their result file by a claim or a generated table: the
check's known debt, printed as a count on every run so it cannot hide. Each entry is (document, the line's opening
text, the result file(s) its numbers come from); every number on a line that begins with that text is accounted
for as PENDING. Turn an entry into a claim (claims*.py) or a generated table (tables.py) and delete it; an entry
whose line no longer exists fails the check.
"""

README = "README.md"
RESULTS = "benchmarks/RESULTS.md"
NOTES = "benchmarks/blend-tuning-notes.md"

PENDING = [
]
