from scamscope.cli import entry_point

entry_point()
