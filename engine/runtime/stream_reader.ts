/**
 * Following a run's stream from any client: read what is stored after the reader's position,
 * then wait for more, until the run has ended and everything is read. The owner is told of a
 * write as soon as its transition lands (its commit listener); any other process reads again
 * every poll interval.
 *
 * @module
 */

import type { StreamOptions } from "../client.ts";
import { WorkflowNotFoundError } from "../errors.ts";
import { checkStreamName } from "../replay/streams.ts";
import type { StreamValue, WorkflowRecord } from "../../store/mod.ts";
import { isTerminal } from "../views/mod.ts";

/** Values read at once. */
const PAGE = 1000;

/** Where a stream is read from. */
export interface StreamSource {
  /** Reads a run's record (`undefined` when there is none). */
  record(workflowId: string): Promise<WorkflowRecord | undefined>;
  /** Reads a stream's values after a position. */
  values(workflowId: string, name: string, after: number, limit: number): Promise<StreamValue[]>;
  /**
   * Calls `wake` when the run may have new values or have ended (the owner's commit listener,
   * a live feed); returns what stops it. Without it, only the poll wakes the reader.
   */
  watch?(workflowId: string, wake: () => void): (() => void) | Promise<() => void>;
  /** Longest wait between reads, in ms (a function: asked before each wait). */
  pollMs: number | ((workflowId: string) => number);
}

/**
 * Follows a run's stream: its values with their indexes (see {@linkcode streamValues} for the
 * values alone).
 *
 * @param source Where to read.
 * @param workflowId The run.
 * @param name The stream.
 * @param options Where to start, and what stops reading.
 * @returns The values, in order; it ends once the run has ended and every value is read.
 * @throws {WorkflowNotFoundError} When there is no such run.
 * @throws {InvalidArgumentError} For a stream name that is not allowed.
 */
export async function* followStream(
  source: StreamSource,
  workflowId: string,
  name: string,
  options: StreamOptions = {},
): AsyncGenerator<StreamValue> {
  checkStreamName(name);
  const signal = options.signal;
  const aborted = () => signal?.aborted === true;
  let after = options.after ?? -1;
  let dirty = false;
  let wake = () => {};
  const unwatch = await source.watch?.(workflowId, () => {
    dirty = true;
    wake();
  });
  const onAbort = () => wake();
  signal?.addEventListener("abort", onAbort);
  try {
    while (!aborted()) {
      dirty = false;
      // The status first: when it has ended, what is read next is all there is.
      const record = await source.record(workflowId);
      if (record === undefined) throw new WorkflowNotFoundError(workflowId);
      let page: StreamValue[];
      do {
        page = await source.values(workflowId, name, after, PAGE);
        for (const v of page) {
          after = v.index;
          yield v;
          if (aborted()) return;
        }
      } while (page.length >= PAGE);
      if (isTerminal(record.status)) return;
      if (dirty) continue;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        const ms = typeof source.pollMs === "number" ? source.pollMs : source.pollMs(workflowId);
        timer = setTimeout(resolve, ms);
      });
      clearTimeout(timer);
      wake = () => {};
    }
  } finally {
    unwatch?.();
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * The values alone of {@linkcode followStream} (what `handle.stream()` yields).
 *
 * @param values What `followStream` yields.
 * @returns The values.
 */
export async function* streamValues(values: AsyncIterable<StreamValue>): AsyncGenerator<unknown> {
  for await (const v of values) yield v.value;
}
