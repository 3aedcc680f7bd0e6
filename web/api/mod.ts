/**
 * The HTTP API as a Hono app: `createApp()` over a backend, its auth, errors, schemas and the
 * shapes of its answers.
 *
 * @module
 */

export { API_VERSION, createApp, DEFAULT_MAX_BODY } from "./app.ts";
export { isLoopback, OPEN_PATHS, TOKEN_COOKIE } from "./auth.ts";
export type { App, AppOptions } from "./context.ts";
export { ApiError, type ErrorBody, HttpErrorCode, statusOf } from "./errors.ts";
