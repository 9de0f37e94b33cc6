"""speechgen: 离线生成会议讲话稿初稿。

The package is import-light on purpose: nothing here pulls in jieba, opencc or
python-docx, so ``speechgen --help`` and a single render stay fast.
"""

from __future__ import annotations

import functools
from pathlib import Path

__version__ = "0.1.0"

#: What each shipped folder must hold; a folder without it is not the real one.
_MARKERS = {"templates": "phrases.yaml", "speeches": "skeleton.yaml"}


@functools.cache
def resource_dir(name: str) -> Path:
    """The built-in ``templates`` or ``speeches`` folder, wherever the package is installed.

    A wheel (``pip install .``, ``pipx``) carries them inside the package as
    ``generator/_templates`` and ``generator/_speeches`` (see pyproject.toml); an
    editable install maps those names onto the repository's top-level folders.
    Never relative to the working directory. Raises when the install is incomplete,
    so no command silently runs with less than it should.
    """
    from importlib import resources, util

    marker = _MARKERS[name]
    candidates: list[Path] = [Path(str(resources.files(__name__) / f"_{name}"))]
    try:  # editable installs: setuptools' finder maps generator._<name> to the checkout
        spec = util.find_spec(f"{__name__}._{name}")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(p) for p in spec.submodule_search_locations]
    # editable install whose finder cannot map a folder without __init__.py: the
    # package is generator/ inside the checkout, and the folder sits beside it
    candidates.append(Path(__file__).resolve().parent.parent / name)
    for folder in candidates:
        if (folder / marker).is_file():
            return folder
    from generator.errors import SpeechgenError

    raise SpeechgenError(f"安装不完整：找不到内置的 {name} 目录（应随程序一起安装）。请重新安装 speechgen。")
