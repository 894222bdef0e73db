from service.uploads.scanning import NoScanner, ScanState, VirusScanner
from tests.uploads import files


def test_without_a_scanner_every_file_is_not_scanned_never_clean():
    scanner: VirusScanner = NoScanner()
    for data in (files.pdf(), files.png(), b""):
        assert scanner.scan(data) is ScanState.NOT_SCANNED


def test_the_scan_states_are_stored_as_their_names():
    assert [str(state) for state in ScanState] == ["not_scanned", "clean", "infected"]
