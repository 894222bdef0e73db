// Starts Swagger UI on the spec named by the page (no inline script: see security.py).
window.addEventListener("load", function () {
  var target = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: target.dataset.specUrl, dom_id: "#swagger-ui" });
});
