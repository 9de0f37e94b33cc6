"""speechgen: 离线生成会议讲话稿初稿。

The package is import-light on purpose: nothing here pulls in jieba, opencc or
python-docx, so ``speechgen --help`` and a single render stay fast.
"""

from pathlib import Path

__version__ = "0.1.0"

#: Project root when running from a checkout (templates/ and speeches/ live there).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
