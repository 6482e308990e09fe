"""keep_partial_parse: the dbt step leaves its parse state where the next step starts from."""

from orchestration.dbt_step import PARTIAL_PARSE_FILE, keep_partial_parse


def test_copies_into_new_folder(tmp_path):
    invocation_target = tmp_path / "target" / "acorn_dbt_models-1"
    invocation_target.mkdir(parents=True)
    (invocation_target / PARTIAL_PARSE_FILE).write_bytes(b"parsed for warehouse B")
    project_target = tmp_path / "new_target"

    keep_partial_parse(invocation_target, project_target)

    assert (project_target / PARTIAL_PARSE_FILE).read_bytes() == b"parsed for warehouse B"
    assert sorted(path.name for path in project_target.iterdir()) == [PARTIAL_PARSE_FILE]


def test_replaces_older_state(tmp_path):
    invocation_target = tmp_path / "target" / "acorn_dbt_models-2"
    invocation_target.mkdir(parents=True)
    (invocation_target / PARTIAL_PARSE_FILE).write_bytes(b"parsed for warehouse B")
    project_target = tmp_path / "target"
    (project_target / PARTIAL_PARSE_FILE).write_bytes(b"parsed for warehouse A")

    keep_partial_parse(invocation_target, project_target)

    assert (project_target / PARTIAL_PARSE_FILE).read_bytes() == b"parsed for warehouse B"
    assert sorted(path.name for path in project_target.iterdir()) == ["acorn_dbt_models-2", PARTIAL_PARSE_FILE]


def test_missing_state_changes_nothing(tmp_path):
    invocation_target = tmp_path / "target" / "acorn_dbt_models-3"
    invocation_target.mkdir(parents=True)
    project_target = tmp_path / "target"
    (project_target / PARTIAL_PARSE_FILE).write_bytes(b"parsed for warehouse A")

    keep_partial_parse(invocation_target, project_target)

    assert (project_target / PARTIAL_PARSE_FILE).read_bytes() == b"parsed for warehouse A"
