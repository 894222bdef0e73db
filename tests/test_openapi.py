import json
import re


def test_openapi_document_describes_the_api(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["info"]["title"] == "onething"
    for path in ("/api/bundles", "/api/bundles/{code}", "/api/bundles/{code}/diagram",
                 "/api/applications", "/api/applications/{number}",
                 "/api/applications/{number}/transitions"):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/api/applications/{number}/transitions"]


def test_docs_page_loads_nothing_from_outside_the_server(client):
    page = client.get("/api/docs").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources, "the docs page should load its scripts and styles"
    for source in sources:
        assert source.startswith("/"), source
        response = client.get(source)
        assert response.status_code == 200, source
        response.close()


def test_errors_are_documented_as_problem_documents(client):
    """As the handlers send them (problems.py), every error response of every operation."""
    spec = client.get("/api/openapi.json").get_json()
    for name, response in spec["components"]["responses"].items():
        assert list(response.get("content", {})) in ([], ["application/problem+json"]), name
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if status == "default" or status[0] in "45":
                    assert "$ref" in response or list(response["content"]) == [
                        "application/problem+json"], (method, path, status)
    assert spec["components"]["schemas"]["Problem"]["additionalProperties"] is True


def test_pagination_header_is_documented_as_the_text_it_is(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["components"]["headers"]["PAGINATION"]["schema"] == {"type": "string"}
    response = client.get("/api/applications")
    assert json.loads(response.headers["X-Pagination"])["total"] == 0
