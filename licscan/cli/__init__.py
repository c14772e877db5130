"""Command line interface: the one place that picks implementations.

One module per command, and ``common`` / ``options`` for what they share;
no command imports another. Heavy modules (huggingface_hub, the renderers)
are imported inside the commands so that ``licscan --help`` stays instant.
"""

from __future__ import annotations

import click

from licscan import __version__
from licscan.cli.detect import detect
from licscan.cli.diff import diff_command
from licscan.cli.explain import explain
from licscan.cli.lock import lock_command
from licscan.cli.policy import policy_group
from licscan.cli.report import report
from licscan.cli.scan import scan
from licscan.cli.snapshot import snapshot


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="licscan")
def main() -> None:
    """Licence compliance scanner for AI models on the Hugging Face Hub.

    Exit codes: 0 scan complete; 1 the policy gate failed; 2 usage or input
    error (nothing scanned); 3 scan complete but some models could not be fetched.
    """


for _command in (scan, snapshot, lock_command, diff_command, report, explain, detect, policy_group):
    main.add_command(_command)

__all__ = ["main"]
