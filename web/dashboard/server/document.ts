/**
 * The HTML document around a rendered page: head, stylesheet and script from the module graph
 * (paths with the bundle's hash, cached for good), the page's data for hydration, and the
 * Content Security Policy (nothing from another origin, no inline script).
 *
 * @module
 */

import { SOURCE_HASH } from "../assets/client.gen.ts";

/** Where the dashboard's assets are served (the hash changes with every build). */
export const ASSET_BASE: string = `/dashboard/assets/${SOURCE_HASH.slice(0, 12)}`;

/** The pages' Content Security Policy. */
export const DASHBOARD_CSP: string =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Escapes text for HTML.
 *
 * @param text Any text.
 * @returns The escaped text.
 */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/**
 * Writes JSON that is safe inside a `<script>` element.
 *
 * @param value The value.
 * @returns JSON with `<`, `>`, `&` and line separators escaped.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c").replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026").replaceAll("\u2028", "\\u2028").replaceAll("\u2029", "\\u2029");
}

/**
 * The document.
 *
 * @param parts Title, rendered body, the hydration payload (none for a page without script).
 * @returns The HTML.
 */
export function htmlDocument(parts: { title: string; body: string; payload?: unknown }): string {
  const script = parts.payload === undefined ? "" : `
<script type="application/json" id="loom-page">${scriptJson(parts.payload)}</script>
<script type="module" src="${ASSET_BASE}/client.js"></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>${escapeHtml(parts.title)} · Loom</title>
<link rel="stylesheet" href="${ASSET_BASE}/app.css">
</head>
<body>
<div id="app">${parts.body}</div>${script}
</body>
</html>
`;
}
