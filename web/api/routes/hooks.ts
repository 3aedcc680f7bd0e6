/**
 * Calling a hook: `POST /api/hooks/{token}` with a JSON body resumes the run that made the hook
 * (its `hook.wait()` returns the body). The route needs no bearer token, since the hook's token
 * is the secret; it is registered before the token check. 404 for a token no open hook has (or
 * one used already), 410 once the hook's timeout has passed, 400 for a body that is not JSON,
 * 413 for one over the hook body limit (32 KiB, or the server's `--max-body` if smaller).
 *
 * @module
 */

import { type JsonValue, MAX_HOOK_BODY_BYTES } from "../../../engine/mod.ts";
import { bodyLimit, createRoute, z } from "../../_deps.ts";
import { reply, type RouteDeps, type RoutesApp } from "../context.ts";
import { ApiError, HttpErrorCode } from "../errors.ts";
import { HookAccepted, Json } from "../schemas.ts";
import { errorResponses, jsonResponse } from "./_common.ts";

const resume = createRoute({
  method: "post",
  path: "/api/hooks/{token}",
  tags: ["Hooks"],
  summary: "Call a hook: resume the run that made it with the JSON body (no bearer token)",
  description: "The token is the secret: the route needs no `Authorization`. An empty body is " +
    "`null`. Answers 404 for a token no open hook has (or one used already), 410 once the " +
    "hook's timeout has passed.",
  security: [],
  request: {
    params: z.object({
      token: z.string().openapi({ param: { name: "token", in: "path" }, example: "hk_…" }),
    }),
    body: { required: false, content: { "application/json": { schema: Json } } },
  },
  responses: {
    200: jsonResponse(HookAccepted, "Recorded in the run's history (or queued for its owner)"),
    ...errorResponses(400, 404, 410, 413, 503),
  },
});

/** Reads the body as JSON, whatever its content type says: empty is `null`; else it must parse. */
function jsonBody(text: string): JsonValue {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new ApiError(HttpErrorCode.MalformedBody, "Malformed JSON in request body");
  }
}

/**
 * Registers the hook route, with its own body limit; call it before the token check.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function hookRoutes(app: RoutesApp, { backend, options }: RouteDeps): void {
  const max = Math.min(options.maxBody, MAX_HOOK_BODY_BYTES);
  app.use(
    "/api/hooks/*",
    bodyLimit({
      maxSize: max,
      onError: (c) =>
        c.json({
          code: HttpErrorCode.BodyTooLarge,
          message: `Request body is larger than the hook body limit of ${max} bytes`,
        }, 413),
    }),
  );
  // Documented from the route, read by hand: any content type, and an empty body, are taken.
  app.openAPIRegistry.registerPath(resume);
  app.post("/api/hooks/:token", async (c) => {
    const body = jsonBody(await c.req.text());
    await backend.client.resumeHook(c.req.param("token"), body);
    return reply(c, HookAccepted, { accepted: true }, 200);
  });
}
