"""Which files a discovery reads: in a git work tree the files git tracks or would track, else a pruned walk.

``git ls-files --cached --others --exclude-standard`` honours every
``.gitignore``; outside git, version-control folders, virtualenvs,
``node_modules``, caches and build output are pruned. Symlinked folders are
never followed (a loop is reported), and only files of a kind discovery
reads are listed at all.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

_PRUNE = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", "build", "dist",
                    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".eggs",
                    ".next", ".nuxt", ".cache", ".ipynb_checkpoints", ".gradle", "target", ".terraform",
                    ".idea", ".vscode", "coverage", "htmlcov", ".turbo", ".parcel-cache", "bower_components"})
_SUFFIX_KINDS = {
    ".py": "python", ".pyw": "python", ".ipynb": "notebook",
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".mk": "shell",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "javascript", ".tsx": "javascript", ".mts": "javascript", ".cts": "javascript",
    ".gguf": "gguf", ".dockerfile": "dockerfile", ".modelfile": "modelfile",
}
_NAME_KINDS = {"dockerfile": "dockerfile", "containerfile": "dockerfile", "procfile": "procfile",
               "modelfile": "modelfile", "makefile": "shell", "gnumakefile": "shell", ".env": "env"}
_SKIP_SUFFIX = re.compile(r"\.(?:min\.js|d\.ts|map|lock)$|(?:^|/)(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml)$")


def kind_of(relative: str) -> str | None:
    """The reader for a file, from its name alone; None: not read."""
    name = relative.rsplit("/", 1)[-1]
    lower = name.lower()
    if _SKIP_SUFFIX.search(lower) or lower.endswith(".d.ts"):
        return None
    if lower in _NAME_KINDS:
        return _NAME_KINDS[lower]
    if lower.startswith((".env.", "env.")) and not lower.endswith((".py", ".js", ".ts")):
        return "env" if lower.startswith(".env.") else None
    if lower.startswith(("dockerfile.", "containerfile.")):
        return "dockerfile"
    if lower.startswith("modelfile"):
        return "modelfile"
    if lower.startswith("procfile"):
        return "procfile"
    dot = lower.rfind(".")
    return _SUFFIX_KINDS.get(lower[dot:]) if dot > 0 else None


def in_git_work_tree(root: Path) -> bool:
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                              capture_output=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == b"true"


def git_files(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files under ``root``, relative to it; None when git cannot say."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, check=False, timeout=300,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    names = [n.decode("utf-8", "surrogateescape") for n in done.stdout.split(b"\0") if n]
    return list(dict.fromkeys(names))


def walk_files(root: Path) -> tuple[list[str], list[str]]:
    """Files under ``root`` outside git, relative to it, and warnings (symlink loops)."""
    found: list[str] = []
    warnings: list[str] = []
    base = os.fspath(root)
    for current, dirs, files in os.walk(base, followlinks=False, onerror=None):
        keep = []
        for name in dirs:
            full = os.path.join(current, name)
            if name in _PRUNE or name.endswith(".egg-info") or os.path.isfile(os.path.join(full, "pyvenv.cfg")):
                continue
            if os.path.islink(full):
                target = os.path.realpath(full)
                here = os.path.realpath(current)
                if here == target or here.startswith(target + os.sep):
                    warnings.append(f"{_rel(full, base)}: symlink loop (points at {_rel(target, base)}); skipped")
                continue  # symlinked folders are not followed, as git does not follow them
            keep.append(name)
        dirs[:] = sorted(keep)
        for name in sorted(files):
            found.append(_rel(os.path.join(current, name), base))
    return found, warnings


def _rel(path: str, base: str) -> str:
    return os.path.relpath(path, base).replace(os.sep, "/")


def list_files(root: Path) -> tuple[list[str], list[str]]:
    """(files discovery reads, relative to ``root`` with '/', sorted; warnings)."""
    names: list[str] | None = git_files(root) if in_git_work_tree(root) else None
    warnings: list[str] = []
    if names is None:
        names, warnings = walk_files(root)
    return sorted(n for n in names if kind_of(n) is not None), warnings
