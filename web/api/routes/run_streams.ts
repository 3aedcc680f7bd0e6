/**
 * A run's stream as Server-Sent Events: `GET /api/workflows/{id}/streams/{name}`. Each value
 * the run's code wrote with `ctx.stream(name).write(value)` is one message whose `id:` is its
 * index in the stream (from 0) and whose data is the value's JSON. A client that reconnects
 * sends `Last-Event-ID` (browsers do it by themselves), or passes `?after=INDEX`: the values
 * after it follow, none twice. The stream ends with `event: end` once the run has ended and
 * every value is sent. In the owner a write is sent as soon as its transition lands; a reader
 * process (`loom web`) sends it within its poll interval.
 *
 * @module
 */

import { followStream, streamNameProblem } from "../../../engine/mod.ts";
import { createRoute, streamSSE, z } from "../../_deps.ts";
import type { RouteDeps, RoutesApp } from "../context.ts";
import { errorResponses, IdParams, recordOf } from "./_common.ts";
import { resumeFrom } from "./stream.ts";

/** Longest time between two reads of a stream when nothing announces a write, in ms. */
export const STREAM_POLL_MS = 1000;

const StreamName = z.string().superRefine((name, ctx) => {
  const problem = streamNameProblem(name);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

const route = createRoute({
  method: "get",
  path: "/api/workflows/{id}/streams/{name}",
  tags: ["Workflows"],
  summary: "A run's stream (SSE): its values, then each new one; ends when the run ends",
  request: {
    params: IdParams.extend({
      name: StreamName.openapi({ param: { name: "name", in: "path" }, example: "progress" }),
    }),
    query: z.object({
      after: z.string().optional().openapi({
        description: "Send the values after this index (like the Last-Event-ID header)",
      }),
      token: z.string().optional().openapi({ description: "The token, for EventSource" }),
    }),
  },
  responses: {
    200: {
      description: "Server-Sent Events: `id:` the index, data the value; `event: end` last",
      content: { "text/event-stream": { schema: z.string() } },
    },
    ...errorResponses(400, 404),
  },
});

/**
 * Registers the run stream route.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function runStreamRoutes(app: RoutesApp, { backend, options }: RouteDeps): void {
  app.openapi(route, async (c) => {
    const { id, name } = c.req.valid("param");
    const after = resumeFrom(c);
    await recordOf(backend.reader, id);
    const reader = backend.reader;
    return streamSSE(c, async (s) => {
      const stop = new AbortController();
      const abort = () => stop.abort();
      s.onAbort(abort);
      options.signal?.addEventListener("abort", abort, { once: true });
      const heartbeat = setInterval(() => {
        s.write(": heartbeat\n\n").catch(abort);
      }, options.heartbeatMs);
      try {
        await s.write("retry: 2000\n: connected\n\n");
        const values = followStream(
          {
            record: (workflowId) => reader.run(workflowId),
            values: (workflowId, stream, from, limit) =>
              reader.stream(workflowId, stream, from, limit),
            watch: (workflowId, wake) =>
              backend.feed.subscribe((change) => {
                if (change.workflowId === workflowId) wake();
              }),
            pollMs: Math.min(STREAM_POLL_MS, options.heartbeatMs),
          },
          id,
          name,
          { ...(after === undefined ? {} : { after }), signal: stop.signal },
        );
        for await (const v of values) {
          await s.writeSSE({ id: String(v.index), data: JSON.stringify(v.value) });
        }
        if (stop.signal.aborted) return;
        const record = await reader.run(id);
        await s.writeSSE({
          event: "end",
          data: JSON.stringify({ id, stream: name, status: record?.status ?? "RUNNING" }),
        });
      } finally {
        clearInterval(heartbeat);
        options.signal?.removeEventListener("abort", abort);
      }
    }, async () => {
      // streamSSE then sends `event: error` with the message, and closes.
    }) as never;
  });
}
