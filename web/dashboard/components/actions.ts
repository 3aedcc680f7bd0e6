/**
 * What the dashboard's buttons do, through the HTTP API only: start, signal, cancel, re-run,
 * cancel every run matching a filter, and pause, resume or trigger a schedule.
 *
 * @module
 */

import type { Api } from "./api.ts";
import type { Paged, RunDetail, RunSummary, Schedule } from "./types.ts";

/** Answer of `POST /api/workflows`. */
export interface Started {
  /** `false` when a run with that id existed. */
  created: boolean;
  /** The run. */
  workflow: RunSummary;
}

/**
 * Reads a JSON text typed into a form.
 *
 * @param text The text (empty means `null`).
 * @returns The value, or the parse error's message.
 */
export function parseJsonInput(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: `Invalid JSON: ${(e as Error).message}` };
  }
}

/**
 * Starts a run.
 *
 * @param api The API.
 * @param start Name, version, input and optional id.
 * @returns The answer.
 */
export function startRun(
  api: Api,
  start: { name: string; version?: string; input: unknown; workflowId?: string },
): Promise<Started> {
  return api.post<Started>("/api/workflows", {
    name: start.name,
    input: start.input,
    ...(start.version === undefined || start.version === "" ? {} : { version: start.version }),
    ...(start.workflowId === undefined || start.workflowId === ""
      ? {}
      : { workflow_id: start.workflowId }),
  });
}

/**
 * Starts a new run of the same workflow and version with the same input.
 *
 * @param api The API.
 * @param run The run to repeat.
 * @returns The answer.
 */
export function rerun(api: Api, run: RunDetail): Promise<Started> {
  return startRun(api, { name: run.name, version: run.version, input: run.input });
}

/**
 * Sends a signal.
 *
 * @param api The API.
 * @param id The run.
 * @param name Signal name.
 * @param data Its data.
 * @returns When it is recorded.
 */
export async function sendSignal(api: Api, id: string, name: string, data: unknown): Promise<void> {
  await api.post(`/api/workflows/${encodeURIComponent(id)}/signal`, { name, data });
}

/**
 * Asks a run to stop.
 *
 * @param api The API.
 * @param id The run.
 * @param reason Why.
 * @returns When it is recorded.
 */
export async function cancelRun(
  api: Api,
  id: string,
  reason = "Cancelled from the dashboard",
): Promise<void> {
  await api.post(`/api/workflows/${encodeURIComponent(id)}/cancel`, { reason });
}

/** Progress of {@linkcode cancelMatchingRuns}. */
export interface BulkProgress {
  /** Running runs that matched when it began (`null`: unknown). */
  total: number | null;
  /** Cancels accepted so far. */
  cancelled: number;
  /** Cancels refused (the run had ended meanwhile, or an error). */
  failed: number;
  /** The last error, if any. */
  lastError?: string;
  /** Finished (or stopped). */
  done: boolean;
}

/**
 * Cancels every running run that matches a run-list query, page by page, and reports progress.
 * Today this is a loop over the API in the browser; it is meant to become one server call with
 * a progress stream, behind this same function.
 *
 * @param api The API.
 * @param listQuery The `/api/workflows` query of the filter (its `status` is replaced by RUNNING).
 * @param options Progress callback, stop signal, cancel reason.
 * @returns The final progress.
 */
export async function cancelMatchingRuns(
  api: Api,
  listQuery: string,
  options: { onProgress?: (p: BulkProgress) => void; signal?: AbortSignal; reason?: string } = {},
): Promise<BulkProgress> {
  const params = new URLSearchParams(listQuery.replace(/^\?/, ""));
  params.set("status", "RUNNING");
  params.set("per_page", "100");
  params.delete("cursor");
  params.delete("page");
  const progress: BulkProgress = { total: null, cancelled: 0, failed: 0, done: false };
  let cursor: string | null = null;
  let first = true;
  while (first || cursor !== null) {
    if (options.signal?.aborted) break;
    const p = new URLSearchParams(params);
    if (cursor !== null) p.set("cursor", cursor);
    const page: Paged<RunSummary> = await api.get<Paged<RunSummary>>(`/api/workflows?${p}`);
    if (first) progress.total = page.meta.total;
    first = false;
    for (const run of page.data) {
      if (options.signal?.aborted) break;
      try {
        await cancelRun(api, run.id, options.reason);
        progress.cancelled++;
      } catch (e) {
        progress.failed++;
        progress.lastError = (e as Error).message;
      }
      options.onProgress?.({ ...progress });
    }
    cursor = page.meta.next_cursor;
  }
  progress.done = true;
  options.onProgress?.({ ...progress });
  return progress;
}

/**
 * Pauses or resumes a schedule.
 *
 * @param api The API.
 * @param id The schedule.
 * @param action `pause` or `resume`.
 * @returns The schedule after it.
 */
export function setSchedulePaused(
  api: Api,
  id: string,
  action: "pause" | "resume",
): Promise<Schedule> {
  return api.post<Schedule>(`/api/schedules/${encodeURIComponent(id)}/${action}`, {});
}

/**
 * Starts a schedule's run now.
 *
 * @param api The API.
 * @param id The schedule.
 * @returns The run's id.
 */
export async function triggerSchedule(api: Api, id: string): Promise<string> {
  const t = await api.post<{ workflow_id: string }>(
    `/api/schedules/${encodeURIComponent(id)}/trigger`,
    {},
  );
  return t.workflow_id;
}
