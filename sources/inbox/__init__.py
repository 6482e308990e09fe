"""dlt source for the vendor's own CSV exports dropped into the inbox folder."""

from .reader import InboxFileError
from .source import inbox_source

__all__ = ["InboxFileError", "inbox_source"]
