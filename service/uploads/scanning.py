"""The virus-scan hook: every stored file gets a scan state, "not scanned" until a scanner is
configured. A real scanner (clamd's INSTREAM, a vendor's API) implements :class:`VirusScanner`;
there is no pretend one."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class ScanState(StrEnum):
    NOT_SCANNED = "not_scanned"
    CLEAN = "clean"
    INFECTED = "infected"


class VirusScanner(Protocol):
    def scan(self, data: bytes) -> ScanState: ...


class NoScanner:
    """What runs while no scanner is configured: it says so, and never says "clean"."""

    def scan(self, data: bytes) -> ScanState:
        return ScanState.NOT_SCANNED
