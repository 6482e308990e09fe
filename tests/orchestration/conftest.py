import os
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def prepared_manifest(tmp_path_factory):
    """Parse the dbt project once, with telemetry off and the offline dbt wrapper first on PATH."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("ACORN_DATA_DIR", str(tmp_path_factory.mktemp("acorn-data")))
    os.environ["PATH"] = os.pathsep.join([str(PROJECT_ROOT / "bin"), str(Path(sys.executable).parent), os.environ["PATH"]])
    from orchestration.project import prepare_manifest

    return prepare_manifest()
