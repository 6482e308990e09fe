"""dlt source for Amazon's vendor APIs: purchase orders, order status, forecasts, inventory."""

from .parsing import RecordError
from .source import vendor_api_source

__all__ = ["RecordError", "vendor_api_source"]
