"""`scamscope alerts send [--dry-run]`: one pass of matching and delivery."""
from __future__ import annotations

import argparse

from alerts.runner import NO_SMTP, run_pass
from scamscope.alerting import alert_options, pending_line, summary_lines
from scamscope.config import ConfigError, Settings
from scamscope.errors import JobFailed
from scamscope.indexing import open_configured_index


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("alerts", parents=parents, help="send alert digests now",
                                   description="Alert digests.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    send = actions.add_parser(
        "send", parents=parents, help="match new articles and send due digests (one pass)",
        description="One pass: queue new articles matching each subscription, build the "
                    "digests that are due, and send every pending digest now. Exits 1 if a "
                    "digest is still pending or was parked.")
    send.add_argument("--dry-run", action="store_true",
                      help="show what would be queued and sent; change and send nothing")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    options = alert_options(settings)
    index = open_configured_index(settings)
    try:
        report = run_pass(settings.data_path, index, options, dry_run=args.dry_run,
                          retry_now=True)
    finally:
        index.close()
    if args.dry_run:
        for sub_id, count in sorted(report.would_queue.items()):
            due = " (digest due now)" if sub_id in report.would_digest else ""
            print(f"subscription {sub_id}: {count} new matching article(s){due}")
        print(f"dry run: {len(report.would_digest)} digest(s) would be created; "
              f"{report.pending} pending; nothing was changed or sent")
        return 0
    for line in summary_lines(report):
        print(line)
    if report.pending and report.reason() == NO_SMTP:
        n = report.pending
        raise ConfigError(f"{n} e-mail digest{'s' if n != 1 else ''} cannot be sent: no SMTP "
                          "server is configured: pass --smtp smtp://host:port or set "
                          "SCAMSCOPE_SMTP")
    if report.pending:
        raise JobFailed(pending_line(report))
    if report.delivery.parked:
        n = len(report.delivery.parked)
        raise JobFailed(f"{n} digest(s) parked after a permanent rejection: "
                        f"{report.delivery.parked[0].reason}")
    return 0
