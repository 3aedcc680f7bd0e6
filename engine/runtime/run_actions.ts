/**
 * What a handle does to one run in the owner: read its status and info, await its result, send
 * it a signal, cancel it. Signals and cancels become resolutions delivered by the run loop, and
 * resolve once the transition that recorded them has landed.
 *
 * @module
 */

import type { ResultOptions, WorkflowInfo } from "../client.ts";
import { EventType, isoTime, WorkflowStatus } from "../replay/events.ts";
import {
  InvalidArgumentError,
  StorageError,
  type StoredDataError,
  WorkflowNotFoundError,
  WorkflowNotRunningError,
  WorkflowStillRunningError,
} from "../errors.ts";
import { type JsonValue, toJson } from "../json.ts";
import type { KvStore, WorkflowRecord } from "../../store/mod.ts";
import type { HandleBackend } from "./handle.ts";
import type { ResultWaiters } from "./result_waiters.ts";
import type { Item, Run } from "./run.ts";
import type { RunLoop } from "./run_loop.ts";
import { isTerminal, type LoomReader, outcomeError, readOfRun } from "../views/mod.ts";

/** What the actions work with. */
export interface RunActionsDeps {
  /** Takes on a run that another process started by writing its record. */
  adopt: (workflowId: string, record: WorkflowRecord) => Promise<Run | undefined>;
  /** The store. */
  store: KvStore;
  /** Reads runs. */
  reader: LoomReader;
  /** The run loop. */
  loop: RunLoop;
  /** Starts that have not landed yet, by run. */
  starting: ReadonlyMap<string, Promise<void>>;
  /** Runs set apart at recovery because their stored data cannot be read. */
  damaged: ReadonlyMap<string, StoredDataError>;
  /** Callers awaiting results. */
  waiters: ResultWaiters;
  /** Throws when the engine no longer takes work. */
  assertOpen: () => void;
  /** Throws `StorageUnavailableError` while the store does not take writes. */
  assertWritable: () => void;
}

/** See the module doc. */
export class RunActions implements HandleBackend {
  readonly #deps: RunActionsDeps;

  /**
   * Creates the actions.
   *
   * @param deps What they work with.
   */
  constructor(deps: RunActionsDeps) {
    this.#deps = deps;
  }

  async status(id: string): Promise<WorkflowStatus> {
    const run = this.#deps.loop.runs.get(id);
    if (run?.committed !== undefined) return run.committed.status as WorkflowStatus;
    return (await this.#record(id)).status as WorkflowStatus;
  }

  async result(id: string, options: ResultOptions): Promise<unknown> {
    await this.#started(id);
    const record = await this.#record(id);
    if (isTerminal(record.status)) return this.#outcome(record);
    if (options.wait === false) throw new WorkflowStillRunningError(id);
    this.#deps.assertOpen();
    return await this.#deps.waiters.wait(id, options.signal, (waiter) => {
      // The run may have ended between the read and the registration.
      if (this.#deps.loop.runs.has(id)) return;
      this.#record(id).then((r) => {
        if (isTerminal(r.status)) this.#outcome(r).then(waiter.resolve, waiter.reject);
      }).catch(waiter.reject);
    });
  }

  async signal(id: string, name: string, data: JsonValue): Promise<void> {
    if (typeof name !== "string" || name === "") {
      throw new InvalidArgumentError("A signal needs a non-empty name");
    }
    const payload = toJson(data === undefined ? null : data, `signal "${name}" data`);
    const run = await this.#liveRun(id, `signal "${name}" to`);
    this.#deps.assertWritable();
    await this.#deliver(run, {
      type: EventType.SignalReceived,
      payload: { name, payload, sent_at: isoTime(Date.now()) },
    });
  }

  async cancel(id: string, reason: string): Promise<void> {
    const text = String(reason);
    let run: Run;
    try {
      run = await this.#liveRun(id, "cancel");
    } catch (e) {
      if (e instanceof WorkflowNotRunningError && e.status === WorkflowStatus.Cancelled) return;
      throw e;
    }
    this.#deps.assertWritable();
    await this.#deliver(run, {
      type: EventType.CancelRequested,
      payload: { reason: text, requested_at: isoTime(Date.now()) },
    });
  }

  async info(id: string): Promise<WorkflowInfo> {
    await this.#started(id);
    return this.#deps.reader.info(await this.#record(id));
  }

  async #started(id: string): Promise<void> {
    if (this.#deps.starting.has(id)) await this.#deps.starting.get(id);
  }

  #deliver(run: Run, event: Item["event"]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#deps.loop.deliver(run, {
        event,
        done: (error) => error === undefined ? resolve() : reject(error),
      });
    });
  }

  async #record(id: string): Promise<WorkflowRecord> {
    const record = await readOfRun(this.#deps.store.getWorkflow(id));
    if (record === undefined) throw new WorkflowNotFoundError(id);
    return record;
  }

  async #outcome(record: WorkflowRecord): Promise<unknown> {
    if (record.status === WorkflowStatus.Completed) {
      return record.result === undefined
        ? {}
        : await readOfRun(this.#deps.store.readValue(record.id, record.result, "result"));
    }
    throw outcomeError(record);
  }

  async #liveRun(id: string, action: string): Promise<Run> {
    this.#deps.assertOpen();
    await this.#started(id);
    const run = this.#deps.loop.runs.get(id);
    if (run !== undefined) {
      if (run.blocked !== undefined) throw run.blocked;
      return run;
    }
    const damaged = this.#deps.damaged.get(id);
    if (damaged !== undefined) throw damaged;
    const record = await this.#record(id);
    if (isTerminal(record.status)) throw new WorkflowNotRunningError(action, id, record.status);
    // Started by another process a moment ago, and not yet taken on: take it on now.
    const adopted = record.entries === 0 ? await this.#deps.adopt(id, record) : undefined;
    if (adopted !== undefined) return adopted;
    throw new StorageError(`Workflow "${id}" is RUNNING in the store but not loaded by this owner`);
  }
}
