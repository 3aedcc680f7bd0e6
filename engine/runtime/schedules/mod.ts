/**
 * Schedules: runs started on a five-field cron expression (UTC or an IANA time zone). The API
 * (`service.ts`) writes schedule records in KV; the owner of a schedule's partition fires it
 * (`scheduler.ts`) after a pure plan (`plan.ts`: catch-up, overlap, next fire); each fire starts
 * the run `<scheduleId>@<fire time>`, so a fire starts one run however many processes fire it.
 * {@linkcode EngineSchedules} wires both into an engine.
 *
 * @module
 */

import type { CreateScheduleOptions, WorkflowHandle, WorkflowRef } from "../../client.ts";
import { defaultRegistry, type Registry } from "../../definition/registry.ts";
import { resolveWorkflow } from "../../definition/workflow.ts";
import { ensureError } from "../../errors.ts";
import type { JsonValue } from "../../json.ts";
import { type KvStore, publishWorkflowNames } from "../../../store/mod.ts";
import type { EngineOptions } from "../engine_options.ts";
import type { Wakeup } from "../wakeup/wakeup.ts";
import { Scheduler } from "./scheduler.ts";
import { ScheduleService } from "./service.ts";

export { retryTransient } from "./_retry.ts";
export { checkTimezone, CRON_FIELDS, type CronTimes, parseCron } from "./cron.ts";
export { fireRunId, scheduleInfo } from "./info.ts";
export {
  CATCHUPS,
  type CheckedSchedule,
  checkScheduleId,
  checkScheduleOptions,
  MAX_SCHEDULE_ID_LENGTH,
  MAX_SCHEDULE_INPUT_BYTES,
  OVERLAPS,
} from "./options.ts";
export {
  type FirePlan,
  type FireState,
  MAX_CATCHUP,
  MAX_SCAN,
  ON_TIME_MS,
  planFires,
} from "./plan.ts";
export type { ScheduleClient } from "../../client.ts";
export { Scheduler, type SchedulerDeps } from "./scheduler.ts";
export { ScheduleService, type ScheduleServiceDeps } from "./service.ts";

/** What the schedules need of their engine: its starts. */
export interface ScheduleStarter {
  /** Starts a run (or finds the run with that id). */
  start(
    workflow: WorkflowRef,
    input: unknown,
    options: { workflowId: string },
  ): Promise<WorkflowHandle<unknown>>;
}

/** An engine's schedules: the API on its KV file, and the firing of the partitions it serves. */
export class EngineSchedules {
  /** The API (`engine.schedules`). */
  readonly client: ScheduleService;
  readonly #scheduler: Scheduler;
  readonly #kv: Deno.Kv;
  readonly #registry: Registry;
  readonly #clock: () => number;
  readonly #report: (error: unknown) => void;

  /**
   * Creates them (stopped: they fire from the start of the wake-ups {@linkcode around} wraps).
   *
   * @param engine Starts the runs.
   * @param parts The engine's store and options.
   * @param serving The partitions the engine serves now.
   */
  constructor(
    engine: ScheduleStarter,
    parts: { store: KvStore; options: EngineOptions },
    serving: () => number[],
  ) {
    const { store, options } = parts;
    const registry = options.registry ?? defaultRegistry;
    const clock = options.scheduleClock ?? Date.now;
    const report = (e: unknown) => options.onError?.(ensureError(e));
    const start = (workflow: WorkflowRef, input: JsonValue, workflowId: string) =>
      engine.start(workflow, input, { workflowId });
    this.#kv = store.kv;
    this.#registry = registry;
    this.#clock = clock;
    this.#report = report;
    this.#scheduler = new Scheduler({
      kv: store.kv,
      clock,
      intervalMs: options.pollIntervalMs ?? 500,
      partitions: serving,
      start,
      report,
    });
    this.client = new ScheduleService({
      kv: store.kv,
      partitionOf: (id) => store.partitionOf(id),
      workflowName: (ref: CreateScheduleOptions["workflow"]) => {
        // By name through the registry, so a definition this engine does not run is refused.
        const def = resolveWorkflow(registry, ref);
        return Promise.resolve(registry.getWorkflow(def.name).name);
      },
      start,
      clock,
      changed: () => this.#scheduler.wake(),
    });
  }

  /**
   * The engine's wake-ups: a timer's, as `wakeup` delivers them, and the schedules' fires. Its
   * start also records the engine's workflow names, for clients that check a schedule's.
   *
   * @param wakeup The timers' wake-ups.
   * @returns Both, behind the one interface.
   */
  around(wakeup: Wakeup): Wakeup {
    return {
      name: wakeup.name,
      arm: (t, id, seq, dueAt) => wakeup.arm(t, id, seq, dueAt),
      disarm: (t, id, seq, dueAt) => wakeup.disarm(t, id, seq, dueAt),
      poll: async (onDue) => {
        await wakeup.poll?.(onDue);
        await this.#scheduler.poll();
      },
      start: (onDue) => {
        wakeup.start(onDue);
        this.#publishNames();
        this.#scheduler.start();
      },
      stop: () => {
        this.#scheduler.stop();
        wakeup.stop();
      },
    };
  }

  #publishNames(): void {
    const names = new Map<string, string[]>();
    for (const def of this.#registry.listWorkflows()) {
      names.set(def.name, [...names.get(def.name) ?? [], def.version]);
    }
    publishWorkflowNames(this.#kv, names, this.#clock()).catch(this.#report);
  }
}
