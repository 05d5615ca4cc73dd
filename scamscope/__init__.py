"""scamscope: monitor news about scam centres."""

__version__ = "0.1.0"
