"""dbt's `model` (the node being compiled) for sqlfluff's jinja templater: a model, not a unit test."""

resource_type = "model"
