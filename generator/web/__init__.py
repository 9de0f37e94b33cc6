"""``speechgen serve``: the local web page (form → live preview → Word), batch and check.

Imported only by the ``serve`` command, so Starlette and uvicorn never slow
down ``--help`` or a render.
"""

from __future__ import annotations

from generator.web.app import create_app

__all__ = ["create_app"]
