"""Command line interface: the one place that picks implementations.

One module per command, and ``common`` / ``options`` for what they share;
no command imports another. Heavy modules (huggingface_hub, the renderers)
are imported inside the commands so that ``licscan --help`` stays instant.

The group owns the exit codes no command chooses: an unexpected exception is
a licscan bug (exit 70, one line, the traceback only with ``--debug``, the
results obtained so far still written), and Ctrl-C exits 130. Neither is ever
1, which CI reads as a failed licence gate.
"""

from __future__ import annotations

import errno
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import click

from licscan import __version__
from licscan.cli.common import internal_error
from licscan.cli.detect import detect
from licscan.cli.diff import diff_command
from licscan.cli.discover import discover
from licscan.cli.explain import explain
from licscan.cli.lock import lock_command
from licscan.cli.notice import notice
from licscan.cli.policy import policy_group
from licscan.cli.report import report
from licscan.cli.scan import scan
from licscan.cli.snapshot import snapshot
from licscan.errors import EXIT_INTERRUPTED
from licscan.sources.deadline import interrupt, reset_interrupt


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C stops every fetch at once (see ``sources.deadline``), then unwinds as KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        interrupt()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        reset_interrupt()


class LicscanGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        from licscan.heap import young_collections_only

        try:
            with _interruptible(), young_collections_only():  # a command is one batch job (licscan.heap)
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("\nlicscan: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away (`licscan ... | head`): click handles it
                raise
            internal_error(exc, debug=bool(ctx.params.get("debug")))
        except Exception as exc:
            internal_error(exc, debug=bool(ctx.params.get("debug")))


@click.group(cls=LicscanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="licscan")
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback.")
def main(debug: bool) -> None:
    """Licence compliance scanner for AI models on the Hugging Face Hub.

    \b
    Exit codes:
      0    scan complete
      1    the policy gate failed
      2    usage or input error (nothing scanned)
      3    scan complete, but some models could not be fetched
      70   internal error: a licscan bug (results obtained so far are still written)
      130  interrupted (Ctrl-C)

    \b
    Examples:
      licscan scan models.txt --policy licscan.policy.yaml
      licscan scan models.txt --format json -o scan.json
      licscan report scan.json --format html -o report.html
      licscan notice scan.json -o NOTICE.md
      licscan COMMAND --help
    """


for _command in (scan, snapshot, lock_command, diff_command, report, notice, explain, detect, policy_group, discover):
    main.add_command(_command)

__all__ = ["main"]
