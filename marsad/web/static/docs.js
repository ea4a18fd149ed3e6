// Starts Swagger UI on the server's own OpenAPI description (no request leaves the server).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                                validatorUrl: null });
});
