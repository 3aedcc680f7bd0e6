/**
 * The schedules of the HTTP client (`connect(...).schedules`): each call is one request to
 * `/api/schedules`, and errors come back as the engine's classes (`ScheduleNotFoundError`, ...).
 *
 * @module
 */

import {
  type CreateScheduleOptions,
  InvalidArgumentError,
  type JsonValue,
  type ScheduleCatchup,
  type ScheduleClient,
  type ScheduleInfo,
  type ScheduleOverlap,
  toJson,
  workflowDefinitionOf,
  type WorkflowHandle,
} from "../engine/mod.ts";

/** A schedule as the API answers it. */
interface ScheduleBody {
  id: string;
  cron: string;
  timezone: string;
  workflow: string;
  input: JsonValue;
  overlap: ScheduleOverlap;
  catchup: ScheduleCatchup;
  paused: boolean;
  created_at: string;
  updated_at: string;
  next_fire_at: string | null;
  last_fire_at: string | null;
  last_run_id: string | null;
  buffered_fire_at: string | null;
  fires: number;
  skipped: number;
  last_error: string | null;
}

/** Sends one request and reads its JSON answer (errors rebuilt from their code). */
export type ApiCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

function info(b: ScheduleBody): ScheduleInfo {
  const out: ScheduleInfo = {
    id: b.id,
    cron: b.cron,
    timezone: b.timezone,
    workflow: b.workflow,
    input: b.input,
    overlap: b.overlap,
    catchup: b.catchup,
    paused: b.paused,
    createdAt: Date.parse(b.created_at),
    updatedAt: Date.parse(b.updated_at),
    fires: b.fires,
    skipped: b.skipped,
  };
  if (b.next_fire_at !== null) out.nextFireAt = Date.parse(b.next_fire_at);
  if (b.last_fire_at !== null) out.lastFireAt = Date.parse(b.last_fire_at);
  if (b.last_run_id !== null) out.lastRunId = b.last_run_id;
  if (b.buffered_fire_at !== null) out.bufferedFireAt = Date.parse(b.buffered_fire_at);
  if (b.last_error !== null) out.lastError = b.last_error;
  return out;
}

/** See the module doc. */
export class HttpSchedules implements ScheduleClient {
  readonly #call: ApiCall;
  readonly #handle: (workflowId: string, created: boolean) => WorkflowHandle<unknown>;

  /**
   * Makes the schedules of a client.
   *
   * @param call Sends a request.
   * @param handle A handle on a run, as the client makes them.
   */
  constructor(
    call: ApiCall,
    handle: (workflowId: string, created: boolean) => WorkflowHandle<unknown>,
  ) {
    this.#call = call;
    this.#handle = handle;
  }

  #path(id: string, action = ""): string {
    return `/api/schedules/${encodeURIComponent(id)}${action === "" ? "" : `/${action}`}`;
  }

  async create(options: CreateScheduleOptions): Promise<ScheduleInfo> {
    const workflow = typeof options.workflow === "string"
      ? options.workflow
      : workflowDefinitionOf(options.workflow)?.name;
    if (workflow === undefined) {
      throw new InvalidArgumentError("Invalid workflow: it is not a workflow or a workflow name", {
        field: "workflow",
      });
    }
    const body: Record<string, unknown> = { id: options.id, cron: options.cron, workflow };
    if (options.input !== undefined) body.input = toJson(options.input, "input");
    if (options.overlap !== undefined) body.overlap = options.overlap;
    if (options.catchup !== undefined) body.catchup = options.catchup;
    if (options.timezone !== undefined) body.timezone = options.timezone;
    return info(await this.#call<ScheduleBody>("POST", "/api/schedules", body));
  }

  async list(): Promise<ScheduleInfo[]> {
    return (await this.#call<{ data: ScheduleBody[] }>("GET", "/api/schedules")).data.map(info);
  }

  async get(id: string): Promise<ScheduleInfo> {
    return info(await this.#call<ScheduleBody>("GET", this.#path(id)));
  }

  async pause(id: string): Promise<ScheduleInfo> {
    return info(await this.#call<ScheduleBody>("POST", this.#path(id, "pause")));
  }

  async resume(id: string): Promise<ScheduleInfo> {
    return info(await this.#call<ScheduleBody>("POST", this.#path(id, "resume")));
  }

  async trigger<S = Record<string, JsonValue>>(id: string): Promise<WorkflowHandle<S>> {
    const t = await this.#call<{ workflow_id: string; created: boolean }>(
      "POST",
      this.#path(id, "trigger"),
    );
    return this.#handle(t.workflow_id, t.created) as WorkflowHandle<S>;
  }

  async delete(id: string): Promise<void> {
    await this.#call("DELETE", this.#path(id));
  }
}
