"""Subcommands; each module has register(subparsers, parents) and run(args, settings)."""

# Order is the order of `scamscope --help`.
COMMANDS = [
    "run",
    "crawl",
    "extract",
    "search",
    "demo",
    "config",
]
