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
