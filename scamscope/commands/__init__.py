"""Subcommands; each module has register(subparsers, parents) and run(args, settings).

Add a module's name here once the module exists; order is the order of `scamscope --help`.
"""

COMMANDS = [
    "crawl",
    "extract",
    "search",
    "demo",
    "subscribe",
    "subscriptions",
    "alerts",
    "run",
    "sources",
    "serve",
    "reindex",
    "config",
]
