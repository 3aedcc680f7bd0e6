/**
 * Interactive API docs at `/docs`: Swagger UI, whose files (from the `swagger-ui-dist` npm
 * package, pinned) are served by this server from the module graph, so the page works offline
 * and in air-gapped installs. The files are text imports (stable in Deno 2.9; no flag), loaded
 * on the first request so that importing the package costs nothing. The page's Content Security
 * Policy lets it load nothing from another origin.
 *
 * @module
 */

import { loadSwaggerUi, SWAGGER_UI_VERSION } from "../_deps.ts";
import type { RoutesApp } from "./context.ts";

/** Where the Swagger UI files are served. */
export const ASSETS = `/docs/assets/${SWAGGER_UI_VERSION}`;

/** The page's Content Security Policy: nothing from other origins. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

const INIT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: true,
  });
});
`;

/**
 * The HTML of the docs page.
 *
 * @returns The page (every URL in it is a path on this server).
 */
export function docsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loom API</title>
<link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${ASSETS}/swagger-ui-bundle.js"></script>
<script src="${ASSETS}/init.js"></script>
</body>
</html>
`;
}

let assets: Promise<{ css: string; js: string }> | undefined;

function loadAssets(): Promise<{ css: string; js: string }> {
  assets ??= loadSwaggerUi();
  return assets;
}

const CACHE = "public, max-age=86400, immutable";

/**
 * Registers `/docs` and its assets.
 *
 * @param app The app.
 */
export function docsRoutes(app: RoutesApp): void {
  app.get("/docs", (c) => {
    c.header("Content-Security-Policy", DOCS_CSP);
    return c.html(docsPage());
  });
  app.get(`${ASSETS}/swagger-ui.css`, async (c) => {
    c.header("Cache-Control", CACHE);
    return c.body((await loadAssets()).css, 200, { "Content-Type": "text/css; charset=utf-8" });
  });
  app.get(`${ASSETS}/swagger-ui-bundle.js`, async (c) => {
    c.header("Cache-Control", CACHE);
    return c.body((await loadAssets()).js, 200, {
      "Content-Type": "text/javascript; charset=utf-8",
    });
  });
  app.get(`${ASSETS}/init.js`, (c) => {
    return c.body(INIT, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });
}
