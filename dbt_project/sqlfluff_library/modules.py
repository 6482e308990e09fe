"""dbt's `modules` namespace for sqlfluff's jinja templater."""

import re  # noqa: F401 - read by the macros as modules.re
