/**
 * @module public/docs
 * Starts Swagger UI on the Worker's own OpenAPI document. The key given to "Authorize" is sent as
 * `Authorization: Bearer <key>` (the document's `bearer` scheme) and kept across reloads in this
 * browser's local storage, so "Try it out" keeps working while one reads; "Logout" forgets it.
 */
/* global SwaggerUIBundle */
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  // "Try it out" calls the server the document names ("/": this Worker) with the key from Authorize.
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
  presets: [SwaggerUIBundle.presets.apis],
});
