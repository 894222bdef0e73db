"""Reading /metrics as Prometheus would: one sample's value by name and labels."""

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> dict:
    """{(sample name, frozenset of labels): value} of a scrape."""
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(scrape: dict, name: str, **labels) -> float:
    """A sample's value; 0 when the series is not there yet (a counter never incremented)."""
    return scrape.get((name, frozenset(labels.items())), 0.0)


def scrape(client) -> dict:
    response = client.get("/metrics")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain; version=")
    return samples(response.get_data(as_text=True))
