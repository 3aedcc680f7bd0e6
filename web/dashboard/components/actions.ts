/**
 * What the dashboard's buttons do, through the HTTP API only: start, signal, cancel, re-run,
 * cancel every run matching a filter, and pause, resume or trigger a schedule.
 *
 * @module
 */

import type { Api } from "./api.ts";
import type { RunDetail, RunSummary, Schedule } from "./types.ts";

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
  /** Running runs that matched when it began (`null`: unknown, as with a search). */
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

/** A line of the server's progress stream (`POST /api/workflows/cancel`). */
interface BulkLine {
  type: "start" | "progress" | "done";
  total?: number | null;
  ok?: boolean;
  error?: string;
  cancelled?: number;
  failed?: number;
}

/**
 * Cancels every running run that matches a run-list query, as one server call
 * (`POST /api/workflows/cancel` with the filter), and reports the progress it streams back.
 *
 * @param api The API.
 * @param listQuery The `/api/workflows` query of the filter (its `status` is replaced by
 *   RUNNING: only running runs can be cancelled).
 * @param options Progress callback, stop signal (closes the call: the server stops), reason.
 * @returns The final progress.
 */
export async function cancelMatchingRuns(
  api: Api,
  listQuery: string,
  options: { onProgress?: (p: BulkProgress) => void; signal?: AbortSignal; reason?: string } = {},
): Promise<BulkProgress> {
  const params = new URLSearchParams(listQuery.replace(/^\?/, ""));
  params.set("status", "RUNNING");
  for (const k of ["cursor", "page", "per_page", "scan_limit"]) params.delete(k);
  const progress: BulkProgress = { total: null, cancelled: 0, failed: 0, done: false };
  if (options.signal?.aborted !== true) {
    await api.postLines(
      `/api/workflows/cancel?${params}`,
      options.reason === undefined ? {} : { reason: options.reason },
      (raw) => {
        const line = raw as BulkLine;
        if (line.type === "start") {
          progress.total = line.total ?? null;
          return;
        }
        progress.cancelled = line.cancelled ?? progress.cancelled;
        progress.failed = line.failed ?? progress.failed;
        if (line.error !== undefined) progress.lastError = line.error;
        if (line.type === "progress") options.onProgress?.({ ...progress });
      },
      options.signal,
    );
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
