/**
 * @module public/docs
 * Starts Swagger UI on the Worker's own OpenAPI document. The key given to "Authorize" is sent as
 * `Authorization: Bearer <key>` (the document's `bearer` scheme) and held in this page only: not
 * persisted (no persistAuthorization), since Swagger UI would keep it in localStorage, where it outlives
 * the tab and any script of this origin can read it. A reload asks for it again.
 */
/* global SwaggerUIBundle */
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // "Try it out" calls the server the document names ("/": this Worker) with the key from Authorize.
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
  presets: [SwaggerUIBundle.presets.apis],
});
