"""dbt's `exceptions` namespace for sqlfluff's jinja templater: errors render as nothing."""


def raise_compiler_error(message):
    return ""
