"""A JSON-lines file that keeps the sandbox's accepted submissions across restarts.

The first line records the scenario (seed, profile, `today` and the clock offset); each
later line is one POST that passed the schema check. On start, the sandbox regenerates
the same scenario and replays the submissions in order. So a restarted sandbox shows the
consequences of earlier runs and still serves their transaction ids. Reports, access
tokens and `change_order_quantity` calls are not kept.
"""

import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class JournalHeader:
    seed: int
    profile: str
    today: date
    clock_offset_days: int


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def read(self) -> tuple[JournalHeader | None, list[dict[str, Any]]]:
        """Read the header and the submission records; (None, []) when the file does not exist."""
        if not self.path.exists():
            return None, []
        header = None
        records = []
        with self.path.open(encoding="utf-8") as handle:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                    if number == 1:
                        header = JournalHeader(
                            seed=int(record["seed"]),
                            profile=str(record["profile"]),
                            today=date.fromisoformat(record["today"]),
                            clock_offset_days=int(record["clock_offset_days"]),
                        )
                    else:
                        records.append(record)
                except (ValueError, KeyError, TypeError) as error:
                    raise ValueError(
                        f"Sandbox state file {self.path} line {number} is not valid ({error}); "
                        "delete the file to start the sandbox afresh."
                    ) from None
        return header, records

    def start(self, header: JournalHeader) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "type": "scenario",
            "seed": header.seed,
            "profile": header.profile,
            "today": header.today.isoformat(),
            "clock_offset_days": header.clock_offset_days,
        }
        self.path.write_text(json.dumps(line) + "\n", encoding="utf-8")

    def append(self, record: dict[str, Any]) -> None:
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
