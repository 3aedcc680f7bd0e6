/**
 * The server render's own npm package (pinned, full `npm:` specifier).
 *
 * @module
 */

export { renderToString } from "npm:preact-render-to-string@6.8.2";
