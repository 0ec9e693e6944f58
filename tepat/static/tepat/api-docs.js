// The API docs page (/api/v1/docs): Swagger UI from the files Django Ninja ships, no inline script (CSP).
(function () {
  var node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: node.dataset.url,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
  });
})();
