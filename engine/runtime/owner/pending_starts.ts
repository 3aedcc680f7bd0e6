/**
 * Runs started outside their partition's owner: another process (the CLI, `loom web`, another
 * owner, a Deno Deploy isolate that does not hold the lease) wrote the run's record with a pending-start marker
 * (`createRun` in the store). The owner finds them (on its inbox interval, at recovery, or when
 * a signal or cancel names one), takes them on with the newest registered version when the
 * record names none, and delivers their `WORKFLOW_STARTED`; their first transition clears the
 * marker.
 *
 * @module
 */

import { EventType, WorkflowStatus } from "../../replay/events.ts";
import type { Registry } from "../../definition/registry.ts";
import type { JsonValue } from "../../json.ts";
import {
  commitPatiently,
  keys,
  type KvStore,
  patiently,
  readPending,
  type WorkflowRecord,
} from "../../../store/mod.ts";
import { Run } from "../run.ts";
import type { RunLoop } from "../run_loop.ts";

/** Markers read per poll. */
const BATCH = 100;

/** See the module doc. */
export class PendingStarts {
  readonly #store: KvStore;
  readonly #loop: RunLoop;
  readonly #registry: Registry;
  readonly #adopting = new Map<string, Promise<Run | undefined>>();

  /**
   * Creates the reader of pending starts.
   *
   * @param store The store.
   * @param loop The run loop that takes the runs on.
   * @param registry Where a record without a version finds the newest one.
   */
  constructor(store: KvStore, loop: RunLoop, registry: Registry) {
    this.#store = store;
    this.#loop = loop;
    this.#registry = registry;
  }

  /**
   * Takes on the runs of a partition whose pending-start markers wait now.
   *
   * @param partition The partition (held).
   * @returns How many markers it found.
   */
  async poll(partition: number): Promise<number> {
    const pending = await readPending(this.#store.kv, partition, BATCH);
    for (const { key, workflowId } of pending) {
      const right = this.#store.partitionOf(workflowId);
      if (right === partition) {
        await this.adopt(workflowId);
        continue;
      }
      // Written under another partition than its id's (a writer that got the count wrong):
      // moved to its own, whose owner takes it on.
      const [, , createdAt] = key as [string, number, number, string];
      await commitPatiently(
        this.#store.kv.atomic().delete(key).set(keys.pending(right, createdAt, workflowId), null),
      );
    }
    return pending.length;
  }

  /**
   * Takes on one run started outside the owner (once, however often it is asked).
   *
   * @param workflowId The run.
   * @param known Its record, when the caller has read it already.
   * @param done Called once its first transition landed (or failed), or at once when this call
   * does not deliver its start (another did, or there is nothing to take on).
   * @returns The loaded run, or `undefined` when there is nothing to take on.
   */
  adopt(
    workflowId: string,
    known?: WorkflowRecord,
    done?: (error?: Error) => void,
  ): Promise<Run | undefined> {
    const loaded = this.#loop.runs.get(workflowId);
    if (loaded !== undefined) {
      done?.();
      return Promise.resolve(loaded);
    }
    let adopting = this.#adopting.get(workflowId);
    if (adopting === undefined) {
      adopting = this.#adopt(workflowId, known, done).finally(() =>
        this.#adopting.delete(workflowId)
      );
      this.#adopting.set(workflowId, adopting);
    } else if (done !== undefined) {
      adopting.then(() => done(), done);
    }
    return adopting;
  }

  async #adopt(
    id: string,
    known?: WorkflowRecord,
    done?: (error?: Error) => void,
  ): Promise<Run | undefined> {
    try {
      const run = await this.#load(id, known, done);
      if (run === undefined) done?.();
      return run;
    } catch (e) {
      done?.(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  }

  async #load(
    id: string,
    known: WorkflowRecord | undefined,
    done: ((error?: Error) => void) | undefined,
  ): Promise<Run | undefined> {
    const record = known ?? await this.#store.getWorkflow(id);
    if (record === undefined) return undefined;
    if (record.status !== WorkflowStatus.Running || record.entries > 0) {
      // Started already (or over): the marker is stale.
      const key = keys.pending(this.#store.partitionOf(id), record.createdAt, id);
      await patiently(() => this.#store.kv.delete(key));
      return undefined;
    }
    const input = await this.#store.readValue(id, record.input) as JsonValue;
    const again = this.#loop.runs.get(id);
    if (again !== undefined) {
      done?.();
      return again;
    }
    let version = record.version;
    if (version === "") {
      // The starting process did not know the definition: the newest registered one runs it.
      // Unknown here: the run waits, blocked, for an owner that has its definition.
      try {
        version = this.#registry.getWorkflow(record.name).version;
      } catch { /* left empty */ }
    }
    const partition = this.#store.partitionOf(id);
    const run = new Run({ ...record, version, partition }, input);
    run.committed = { ...record, partition };
    run.pendingStart = true;
    this.#loop.runs.set(id, run);
    this.#loop.deliver(run, {
      event: {
        type: EventType.WorkflowStarted,
        payload: { input, workflow_name: record.name, version },
      },
      ...(done === undefined ? {} : { done }),
    });
    return run;
  }
}
