"""The `scamscope` command line: parsing, logging, and turning errors into one-line messages.

Each subcommand lives in scamscope/commands/<name>.py with two functions:
    register(subparsers, parents) -> argparse.ArgumentParser   (adds its parser)
    run(args, settings) -> int                                  (exit code)
Exit codes: 0 ok, 1 the job failed, 2 usage or configuration error.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys
from typing import Sequence

from scamscope import errors
from scamscope.commands import COMMANDS
from scamscope.config import LOG_DATEFMT, load_settings

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message} (see '{self.prog} --help')\n")
        raise SystemExit(EXIT_USAGE)


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--config", metavar="FILE", default=default,
                        help="TOML settings file (env SCAMSCOPE_CONFIG)")
    parser.add_argument("--data-dir", metavar="DIR", default=default,
                        help="state, embedded index and schedule (env SCAMSCOPE_DATA_DIR)")
    parser.add_argument("--index", metavar="URL", default=default,
                        help="tantivy:///dir, sqlite:///path.db or http(s)://host:port")
    parser.add_argument("--smtp", metavar="URL", default=default,
                        help="smtp[s]://user@host:port (password from SCAMSCOPE_SMTP_PASSWORD)")
    parser.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS if suppress else 0,
                        help="more log output (repeat for debug)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        default=argparse.SUPPRESS if suppress else False,
                        help="only errors")


_VALUED_GLOBALS = ("--config", "--data-dir", "--index", "--smtp")


def requested_command(argv: Sequence[str]) -> str | None:
    """The subcommand argv names, found without importing any command module."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUED_GLOBALS:
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given argv naming a command, only that command's module is imported
    (importing all of them costs a cold `extract` a quarter of a second)."""
    parser = _Parser(prog="scamscope",
                     description="Monitor news about scam centres: crawl, extract, index, "
                                 "search and alert.")
    _global_options(parser, suppress=False)
    # Global options are accepted after the subcommand too.
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    wanted = requested_command(argv) if argv is not None else None
    for name in [wanted] if wanted else COMMANDS:
        module = importlib.import_module(f"scamscope.commands.{name}")
        sub = module.register(subparsers, [common])
        sub.set_defaults(_run=module.run)
    return parser


def configure_logging(verbose: int, quiet: bool, level_name: str) -> None:
    if quiet:
        level = logging.ERROR
    elif verbose >= 2:
        level = logging.DEBUG
    elif verbose == 1:
        level = logging.INFO
    else:
        level = getattr(logging, level_name, logging.INFO)
        # Third-party chatter (Scrapy logs every request at INFO) stays out of
        # the default output; -v brings it back.
        level = max(level, logging.WARNING)
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        datefmt=LOG_DATEFMT)
    for noisy in ("scrapy", "twisted", "trafilatura", "htmldate", "courlan", "apscheduler",
                  "urllib3", "mail.log", "httpx", "uvicorn.access"):
        if verbose < 2:
            logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    # trafilatura warns "discarding data" for each page it finds no text in; the
    # nlp stage reports that page once, with its reason, so a second line is noise.
    # The search clients log every failover between nodes with a traceback;
    # the index layer already reports what matters in one line. APScheduler warns each
    # time a job is skipped because its last run is still going: that is max_instances=1
    # doing its job, and the daemon prints each crawl's own line anyway.
    for noisy in ("elastic_transport", "opensearch", "elasticsearch", "trafilatura", "htmldate",
                  "courlan", "apscheduler"):
        if verbose < 1:
            logging.getLogger(noisy).setLevel(max(level, logging.ERROR))


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        overrides = {"data_dir": args.data_dir, "index": args.index, "smtp": args.smtp}
        settings = load_settings(args.config, overrides=overrides)
    except errors.UserError as exc:  # ConfigError: a bad file, variable or flag
        sys.stderr.write(f"scamscope: {exc}\n")
        return exc.exit_code
    configure_logging(args.verbose, args.quiet, settings.log_level)
    try:
        return int(args._run(args, settings) or 0)
    except errors.UserError as exc:
        sys.stderr.write(f"scamscope {args.command}: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("scamscope: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        translated = errors.translate(exc)
        if translated is None:
            raise
        sys.stderr.write(f"scamscope {args.command}: {translated}\n")
        return translated.exit_code


def entry_point() -> None:
    code = main()
    # The process ends here. Interpreter shutdown runs the cycle collector over every
    # object still alive (spaCy's vocabulary, the gazetteers: a quarter of a cold
    # `extract`'s CPU) only to free memory the OS takes back anyway. Frozen objects
    # are skipped by it; they are still released by reference counting, and open
    # files and standard streams are still flushed and closed.
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry_point()
