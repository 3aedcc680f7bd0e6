// deno-lint-ignore-file no-import-prefix -- reachable from main.ts, which is imported by URL
/**
 * The npm packages of the web layer, pinned in one place. Full `npm:` specifiers, because this
 * code is reachable from `main.ts`, which other projects import by URL (their import map, not
 * ours, applies then).
 *
 * @module
 */

export {
  createRoute,
  type Hook,
  OpenAPIHono,
  type RouteConfig,
  z,
} from "npm:@hono/zod-openapi@1.6.3";
export type { Context, Env, MiddlewareHandler } from "npm:hono@4.13.19";
export { HTTPException } from "npm:hono@4.13.19/http-exception";
export { bodyLimit } from "npm:hono@4.13.19/body-limit";
export { cors } from "npm:hono@4.13.19/cors";
export { getCookie, setCookie } from "npm:hono@4.13.19/cookie";
export { type SSEStreamingApi, streamSSE } from "npm:hono@4.13.19/streaming";

/** Version of the Swagger UI assets served at `/docs`. */
export const SWAGGER_UI_VERSION = "5.35.0";

/**
 * Loads Swagger UI's stylesheet and script as text, from the module graph (a text import: the
 * files ship with the npm package, so nothing is fetched at run time and `deno compile` embeds
 * them). Literal specifiers, so that `deno cache` and `deno compile` see them.
 *
 * @returns The CSS and the JS bundle.
 */
export async function loadSwaggerUi(): Promise<{ css: string; js: string }> {
  const [css, js] = await Promise.all([
    import("npm:swagger-ui-dist@5.35.0/swagger-ui.css", { with: { type: "text" } }),
    import("npm:swagger-ui-dist@5.35.0/swagger-ui-bundle.js", { with: { type: "text" } }),
  ]);
  return { css: css.default as string, js: js.default as string };
}
