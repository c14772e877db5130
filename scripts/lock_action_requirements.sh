#!/usr/bin/env bash
# Regenerate the GitHub Action's pinned, hashed requirements (action/requirements*.txt).
#
#   scripts/lock_action_requirements.sh            # needs uv (pip install uv)
#
# Two locks, for the one Python the Action sets up (3.11) on every runner OS it supports
# (--universal: Linux and macOS markers resolved in the same file):
#   action/requirements.txt       what the licence gate runs: licscan's dependencies, no SBOM libraries
#   action/requirements-sbom.txt  the same plus the `sbom` extra, used only when an SBOM output is asked for
# Both include licscan's build backend (scripts/action-build.in). Commit the result; the Action's venv
# cache is keyed by the file's hash, so a new lock means a fresh install on the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-uv}
common=(--universal --python-version 3.11 --generate-hashes --no-header --quiet)
"$UV" pip compile "${common[@]}" pyproject.toml scripts/action-build.in -o action/requirements.txt
"$UV" pip compile "${common[@]}" --extra sbom pyproject.toml scripts/action-build.in -o action/requirements-sbom.txt
for lock in action/requirements.txt action/requirements-sbom.txt; do
  # State where the file comes from, above the pins.
  { printf '# Pinned and hashed by scripts/lock_action_requirements.sh (uv pip compile --universal\n'
    printf '# --generate-hashes, Python 3.11). Do not edit by hand: rerun the script.\n'
    cat "$lock"; } > "$lock.tmp" && mv "$lock.tmp" "$lock"
done
echo "wrote action/requirements.txt ($(grep -c '==' action/requirements.txt) pins) and" \
  "action/requirements-sbom.txt ($(grep -c '==' action/requirements-sbom.txt) pins)"
