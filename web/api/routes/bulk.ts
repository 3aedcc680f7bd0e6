/**
 * Cancel every running run that matches a filter, as one call: `POST /api/workflows/cancel`
 * with the run list's filter in the query (`status`, `name`, `workflow`, `id_prefix`,
 * `started_after`, `started_before`, `search`) and an optional `{ reason }`. The answer streams
 * its progress as NDJSON, one JSON object a line: `start` (with the total when it is known),
 * one `progress` line per run asked to stop (or refused), and `done`. Runs are asked a few at a
 * time; closing the connection stops it.
 *
 * @module
 */

import type { ApiBackend } from "../../backend.ts";
import type { RunFilter, RunPosition, WorkflowRecord } from "../../../store/mod.ts";
import { createRoute, z } from "../../_deps.ts";
import type { RouteDeps, RoutesApp } from "../context.ts";
import { FilterFields, readRunFilter } from "../run_filter.ts";
import { CancelRequest } from "../schemas.ts";
import { errorResponses } from "./_common.ts";

/** Cancels asked at once. */
export const BULK_PARALLEL = 8;

/** Runs read per page while cancelling. */
const PAGE = 100;

/** One line of the progress stream. */
export const BulkLine = z.object({
  type: z.enum(["start", "progress", "done"]),
  total: z.number().int().nullable().optional().openapi({
    description: "`start`: running runs that match (null with `search`: not known before)",
  }),
  id: z.string().optional().openapi({ description: "`progress`: the run" }),
  ok: z.boolean().optional().openapi({ description: "`progress`: the cancel was recorded" }),
  error: z.string().optional().openapi({ description: "`progress`: why it was refused" }),
  cancelled: z.number().int().optional(),
  failed: z.number().int().optional(),
}).openapi("BulkCancelLine");

const route = createRoute({
  method: "post",
  path: "/api/workflows/cancel",
  tags: ["Workflows"],
  summary: "Cancel every running run that matches a filter, with a progress stream (NDJSON)",
  request: {
    query: z.object(FilterFields),
    body: { required: false, content: { "application/json": { schema: CancelRequest } } },
  },
  responses: {
    200: {
      description: "One JSON object a line: start, progress per run, done",
      content: { "application/x-ndjson": { schema: BulkLine } },
    },
    ...errorResponses(400, 413, 415),
  },
});

/** The running runs of a filter, page by page, with the search applied when there is one. */
async function* matching(
  backend: ApiBackend,
  filter: RunFilter,
  search: string | undefined,
): AsyncGenerator<WorkflowRecord[]> {
  const reader = backend.reader;
  let after: RunPosition | undefined;
  while (true) {
    const paging = { limit: PAGE, ...(after === undefined ? {} : { after }) };
    if (search === undefined) {
      const page = await reader.queryRuns(filter, paging);
      if (page.items.length > 0) yield page.items;
      const last = page.items.at(-1);
      if (!page.more || last === undefined) return;
      after = { createdAt: last.createdAt, id: last.id };
    } else {
      const page = await reader.searchRuns(filter, search, { ...paging, scanLimit: PAGE });
      if (page.items.length > 0) yield page.items.map((h) => h.record);
      if (page.next === undefined) return;
      after = page.next;
    }
  }
}

function bulkRoute(app: RoutesApp, { backend, options }: RouteDeps): void {
  app.openapi(route, async (c) => {
    const { filter, search } = readRunFilter(c.req.valid("query"));
    const reason = c.req.valid("json")?.reason ?? "Cancelled through the HTTP API (bulk)";
    // Only running runs can be cancelled: a filter on another status matches none.
    const none = filter.statuses !== undefined && !filter.statuses.includes("RUNNING");
    const running: RunFilter = { ...filter, statuses: ["RUNNING"] };
    const total = none ? 0 : search === undefined ? await backend.reader.countRuns(running) : null;
    let stopped = false;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (line: z.input<typeof BulkLine>) => {
          if (!stopped) controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        };
        let cancelled = 0;
        let failed = 0;
        send({ type: "start", total });
        try {
          if (!none) {
            for await (const page of matching(backend, running, search)) {
              for (let i = 0; i < page.length && !stopped; i += BULK_PARALLEL) {
                const group = page.slice(i, i + BULK_PARALLEL);
                const results = await Promise.all(group.map(async (r) => {
                  try {
                    await backend.client.getHandle(r.id).cancel(reason);
                    return undefined;
                  } catch (e) {
                    return e instanceof Error ? e.message : String(e);
                  }
                }));
                results.forEach((error, k) => {
                  const id = (group[k] as WorkflowRecord).id;
                  if (error === undefined) cancelled++;
                  else failed++;
                  send({
                    type: "progress",
                    id,
                    ok: error === undefined,
                    ...(error === undefined ? {} : { error }),
                    cancelled,
                    failed,
                  });
                });
              }
              if (stopped || options.signal?.aborted) break;
            }
          }
          send({ type: "done", cancelled, failed });
          if (!stopped) controller.close();
        } catch (e) {
          if (!stopped) controller.error(e);
        }
      },
      cancel() {
        stopped = true;
      },
    });
    return c.body(body, 200, {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-store",
    }) as never;
  });
}

/**
 * Registers the bulk cancel route.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function bulkRoutes(app: RoutesApp, deps: RouteDeps): void {
  bulkRoute(app, deps);
}
