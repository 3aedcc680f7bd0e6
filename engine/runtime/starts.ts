/**
 * Starting runs in the owner: the id rule, idempotence on the id (one creator however many
 * starts race), the new run's state, its `WORKFLOW_STARTED` resolution, and the answer: once the
 * run's first transition landed, or, when its first activation takes longer than
 * `startAnswerMs` (code that spins in a Worker), once its record alone landed. A generated id
 * is picked in a partition this owner holds; a given id of a partition it does not hold is
 * started there: its record is written here, and that partition's owner carries it out.
 *
 * @module
 */

import type { StartOptions, TypedWorkflowRef, WorkflowRef } from "../client.ts";
import { EventType } from "../replay/events.ts";
import type { Registry } from "../definition/registry.ts";
import { resolveWorkflow } from "../definition/workflow.ts";
import { WorkflowAlreadyExistsError } from "../errors.ts";
import { toJson } from "../json.ts";
import { checkWorkflowId } from "../workflow_id.ts";
import type { KvStore } from "../../store/mod.ts";
import type { RemoteRuns } from "./remote_runs.ts";
import { Run } from "./run.ts";
import type { RunLoop } from "./run_loop.ts";

/** What starts need. */
export interface StartsDeps {
  /** The store (to see whether a given id exists). */
  store: KvStore;
  /** The run loop. */
  loop: RunLoop;
  /** Definitions. */
  registry: Registry;
  /** Starts that have not been answered yet, by run (shared with the handles' actions). */
  starting: Map<string, Promise<void>>;
  /** Longest wait for a first activation before the record is written on its own (0: no limit). */
  startAnswerMs: number;
  /** Whether this owner runs a partition's runs now (holds its lease, not giving it up). */
  runs: (partition: number) => boolean;
  /** Starts runs of other partitions, and writes the records of given ids. */
  remote: RemoteRuns;
  /**
   * Takes on a run whose record was written (with a pending-start marker); `done` once its
   * first transition landed.
   */
  adopt: (workflowId: string, done: (error?: Error) => void) => Promise<unknown>;
}

/** Tries at a generated id in a partition this owner holds before one elsewhere is taken. */
const ID_TRIES = 256;

/** See the module doc. */
export class Starts {
  readonly #deps: StartsDeps;

  /**
   * Creates the starter.
   *
   * @param deps What it needs.
   */
  constructor(deps: StartsDeps) {
    this.#deps = deps;
  }

  /**
   * Starts a run, or finds the run that has the same id.
   *
   * @param workflow A class, a definition or a name.
   * @param input The input (a JSON value).
   * @param options Id, version, what to do when the id exists.
   * @returns The run's id, and whether this call created it.
   * @throws {WorkflowDefinitionNotFoundError} For an unknown name or version.
   * @throws {InvalidPayloadError} When the input is not JSON.
   * @throws {InvalidArgumentError} For an id that breaks the rule.
   * @throws {WorkflowAlreadyExistsError} With `ifExists: "fail"` when the id exists.
   */
  async start(
    workflow: WorkflowRef | TypedWorkflowRef<unknown, object>,
    input: unknown,
    options: StartOptions,
  ): Promise<{ workflowId: string; created: boolean }> {
    const { store, loop, starting } = this.#deps;
    const def = resolveWorkflow(this.#deps.registry, workflow, options.version);
    const payload = toJson(input === undefined ? null : input, "input");
    const given = options.workflowId === undefined
      ? undefined
      : checkWorkflowId(options.workflowId);
    const id = given ?? this.#newId();
    const partition = store.partitionOf(id);
    const request = {
      id,
      name: def.name,
      version: def.version,
      description: def.description,
      module: def.module,
      input: payload,
    };
    if (!this.#deps.runs(partition)) {
      // Another process runs this partition (or will): the record is written here.
      const created = await this.#deps.remote.start(request);
      if (!created && options.ifExists === "fail") throw new WorkflowAlreadyExistsError(id);
      return { workflowId: id, created };
    }
    const runs = loop.runs;
    if (given !== undefined) {
      // A given id may be started by any process at the same moment (another owner, a client):
      // its record is created here only if absent, in one atomic write, and taken on at once.
      while (starting.has(id)) await starting.get(id)?.catch(() => {});
      const created = !runs.has(id) && await this.#deps.remote.start(request);
      if (!created) {
        if (options.ifExists === "fail") throw new WorkflowAlreadyExistsError(id);
        return { workflowId: id, created: false };
      }
      const landed = new Promise<void>((resolve, reject) => {
        this.#deps.adopt(id, (error) => error === undefined ? resolve() : reject(error))
          .catch(reject);
      });
      // The record is durable already: the answer waits for the first transition, for at most
      // `startAnswerMs` when that is set.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const answered = this.#deps.startAnswerMs <= 0 ? landed : Promise.race([
        landed,
        new Promise<void>((r) => timer = setTimeout(r, this.#deps.startAnswerMs)),
      ]).finally(() => clearTimeout(timer));
      await this.#awaitStart(id, answered);
      return { workflowId: id, created: true };
    }
    const run = Run.create(def, {
      id,
      input: payload,
      inputRef: store.inputReference(id, payload),
      time: Date.now(),
      partition,
    });
    runs.set(id, run);
    const landed = new Promise<void>((resolve, reject) => {
      loop.deliver(run, {
        event: {
          type: EventType.WorkflowStarted,
          payload: { input: payload, workflow_name: def.name, version: def.version },
        },
        done: (error) => error === undefined ? resolve() : reject(error),
      });
    });
    await this.#awaitStart(id, this.#answered(run, landed));
    return { workflowId: id, created: true };
  }

  /** Waits for a start's answer, known meanwhile to the id's other starts and actions. */
  async #awaitStart(id: string, answered: Promise<void>): Promise<void> {
    const starting = this.#deps.starting;
    starting.set(id, answered);
    try {
      await answered;
    } finally {
      starting.delete(id);
    }
  }

  /** A new id, in a partition this owner runs when it runs any. */
  #newId(): string {
    const store = this.#deps.store;
    for (let i = 0; i < ID_TRIES; i++) {
      const id = crypto.randomUUID();
      if (this.#deps.runs(store.partitionOf(id))) return id;
    }
    return crypto.randomUUID();
  }

  /** Resolves once the start is durable: its first transition, or its record alone, landed. */
  #answered(run: Run, landed: Promise<void>): Promise<void> {
    const wait = this.#deps.startAnswerMs;
    if (wait <= 0) return landed;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const early = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => this.#deps.loop.recordStart(run)?.then(resolve, reject), wait);
    });
    landed.catch(() => {});
    early.catch(() => {});
    return Promise.race([landed, early]).finally(() => clearTimeout(timer));
  }
}
