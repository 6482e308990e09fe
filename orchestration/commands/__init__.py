"""Subcommands of `acorn`, one module each, each exposing `add_parser(subparsers)`."""
