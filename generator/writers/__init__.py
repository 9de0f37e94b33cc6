"""Writers turn a :class:`~generator.draft.Draft` into files (txt, md, docx).

Kept import-light on purpose: python-docx is imported only by the
``generator.writers.docx*`` modules, so importing this package (or the CLI) stays fast.
"""

from __future__ import annotations
