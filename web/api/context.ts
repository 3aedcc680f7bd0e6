/**
 * What every route module receives: the backend, the app's options, and the helpers that
 * validate an answer against its schema before it is sent.
 *
 * @module
 */

import { type Context, type Env, OpenAPIHono, type z } from "../_deps.ts";
import type { ApiBackend } from "../backend.ts";
import { validationHook } from "./errors.ts";

/** Options of `createApp`. */
export interface AppOptions {
  /** Bearer token every route but `/health` needs; no auth when absent. */
  token?: string;
  /** Largest request body, in bytes. @default 10485760 (10 MiB) */
  maxBody?: number;
  /** Origins allowed by CORS (`"*"` for any); CORS is off when absent. */
  cors?: string | string[];
  /** Time between heartbeats on live feeds, in ms. @default 15000 */
  heartbeatMs?: number;
  /** Longest wait of `GET /api/workflows/{id}/result?wait=true`, in ms. @default 60000 */
  maxResultWaitMs?: number;
  /** Ends live feeds and waits (server shutdown). */
  signal?: AbortSignal;
}

/**
 * The app as route modules see it: an `OpenAPIHono` without custom variables. Internal to the
 * web layer (Hono's own types are not part of Loom's documented API).
 *
 * @ignore
 */
export type RoutesApp = OpenAPIHono<Env>;

/** The HTTP API app: serve its `fetch` (`Deno.serve(app.fetch)`), or call `request` in tests. */
export interface App {
  /**
   * Answers a request.
   *
   * @param request The request.
   * @returns The response.
   */
  fetch(request: Request): Response | Promise<Response>;
  /**
   * Answers a request for a path of this app, without a socket (tests).
   *
   * @param input A path (`/api/workflows`), a URL or a request.
   * @param init Method, headers, body.
   * @returns The response.
   */
  request(input: string | URL | Request, init?: RequestInit): Response | Promise<Response>;
}

/** What a route module needs. */
export interface RouteDeps {
  /** The process the API runs in. */
  backend: ApiBackend;
  /** The app's options, with defaults applied. */
  options: Required<Pick<AppOptions, "maxBody" | "heartbeatMs" | "maxResultWaitMs">> & AppOptions;
}

/**
 * Makes an `OpenAPIHono` app whose validation failures answer `INVALID_REQUEST`, and that treats
 * paths with and without a trailing slash alike.
 *
 * @returns The app.
 */
export function newApp(): RoutesApp {
  return new OpenAPIHono<Env>({ strict: false, defaultHook: validationHook });
}

/**
 * Answers JSON after checking it against its schema (an answer that does not match is a bug:
 * it becomes a 500 `INTERNAL`, never a malformed answer).
 *
 * @param c The request context.
 * @param schema The answer's schema.
 * @param value The answer.
 * @param status The status.
 * @returns The response.
 */
export function reply<S extends z.ZodType, C extends 200 | 201 | 202>(
  c: Context,
  schema: S,
  value: z.input<S>,
  status: C,
) {
  return c.json(schema.parse(value) as z.output<S>, status);
}
