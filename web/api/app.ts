/**
 * The HTTP API as a Hono app: routes, validation, errors, auth, body limit, CORS, the OpenAPI
 * document at `/openapi.json` and the docs at `/docs`.
 *
 * @module
 */

import { bodyLimit, cors } from "../_deps.ts";
import type { ApiBackend } from "../backend.ts";
import { pageRoutes, publicRoutes } from "../dashboard/mod.ts";
import { tokenAuth } from "./auth.ts";
import { type App, type AppOptions, newApp, type RouteDeps } from "./context.ts";
import { docsRoutes } from "./docs.ts";
import { HttpErrorCode, notFound, onError } from "./errors.ts";
import {
  bulkRoutes,
  definitionRoutes,
  eventRoutes,
  healthRoutes,
  hookRoutes,
  runRoutes,
  runStreamRoutes,
  scheduleRoutes,
  statsRoutes,
  streamRoutes,
  taskRoutes,
  workflowRoutes,
} from "./routes/mod.ts";

/** Version of the API (the package version). */
export const API_VERSION = "0.1.0";

/** Default largest request body: 10 MiB. */
export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/**
 * Creates the HTTP API over a backend (the owner's engine, or a reader's KV client), with the
 * dashboard's pages at `/`, `/workflows`, ... (server-rendered from this app's own handlers).
 *
 * @param backend What the API reads and acts on.
 * @param options Token, body limit, CORS, live feed timings.
 * @returns The app; serve it with `Deno.serve(app.fetch)` or `startServer`, or call
 * `app.request()` in tests.
 * @example
 * ```ts ignore
 * const app = createApp(engineBackend(engine), { token: "secret" });
 * const res = await app.request("/api/workflows", { headers: { authorization: "Bearer secret" } });
 * ```
 */
export function createApp(backend: ApiBackend, options: AppOptions = {}): App {
  const deps: RouteDeps = {
    backend,
    options: {
      ...options,
      maxBody: options.maxBody ?? DEFAULT_MAX_BODY,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      maxResultWaitMs: options.maxResultWaitMs ?? 60_000,
    },
  };
  const app = newApp();
  app.onError(onError);
  app.notFound(notFound);
  if (options.cors !== undefined) {
    app.use("*", cors({ origin: options.cors, credentials: options.cors !== "*" }));
  }
  publicRoutes(app, options.token);
  // Before the token check: a hook's token is its own secret.
  hookRoutes(app, deps);
  if (options.token !== undefined) app.use("*", tokenAuth(options.token));
  const max = deps.options.maxBody;
  app.use(
    "*",
    bodyLimit({
      maxSize: max,
      onError: (c) =>
        c.json({
          code: HttpErrorCode.BodyTooLarge,
          message: `Request body is larger than the limit of ${max} bytes`,
        }, 413),
    }),
  );
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "Needed when the server was started with a token",
  });
  pageRoutes(app, { lastEventId: async () => (await backend.reader.lastIds()).event });
  statsRoutes(app, deps);
  healthRoutes(app, deps);
  streamRoutes(app, deps);
  bulkRoutes(app, deps);
  runStreamRoutes(app, deps);
  runRoutes(app, deps);
  workflowRoutes(app, deps);
  definitionRoutes(app, deps);
  scheduleRoutes(app, deps);
  taskRoutes(app, deps);
  eventRoutes(app, deps);
  docsRoutes(app);
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Loom API",
      version: API_VERSION,
      description:
        "Durable workflows: runs, their events, tasks and logs, definitions, schedules, " +
        "live feeds (SSE). Errors are `{ code, message }`.",
    },
    security: [{ bearer: [] }],
    tags: [
      { name: "Workflows" },
      { name: "Definitions" },
      { name: "Schedules" },
      { name: "Tasks" },
      { name: "Events" },
      { name: "Logs" },
      { name: "Statistics" },
      { name: "Hooks" },
      { name: "Health" },
      { name: "Graphs" },
    ],
  });
  return app;
}
