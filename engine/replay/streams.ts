/**
 * Run streams as workflow code sees them: `ctx.stream(name)` and the rules its names and values
 * follow. A write is a command like a state change: one `STREAM_APPENDED` event, recorded with
 * the step's transition and matched (never written again) on replay.
 *
 * @module
 */

import { InvalidArgumentError } from "../errors.ts";
import { type JsonValue, toJson } from "../json.ts";
import type { WorkflowStream } from "./context.ts";

/** Longest stream name. */
export const MAX_STREAM_NAME = 100;
/** Largest value written to a stream: bytes of its JSON (UTF-8). */
export const MAX_STREAM_VALUE_BYTES = 65_536;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/**
 * What is wrong with a stream name, if anything.
 *
 * @param name A candidate name.
 * @returns The problem, or `undefined` for a name that is allowed.
 * @example
 * ```ts
 * import { streamNameProblem } from "./streams.ts";
 *
 * console.assert(streamNameProblem("progress") === undefined);
 * console.assert(streamNameProblem("a b") !== undefined);
 * ```
 */
export function streamNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name === "") return "a stream needs a non-empty name";
  if (name.length > MAX_STREAM_NAME) {
    return `the name has ${name.length} characters, more than ${MAX_STREAM_NAME}`;
  }
  if (!NAME.test(name)) {
    return 'use letters, digits, "_", ".", ":" or "-", starting with a letter or digit';
  }
  return undefined;
}

/**
 * Checks a stream name.
 *
 * @param name A candidate name.
 * @returns The name.
 * @throws {InvalidArgumentError} Naming the name and the rule.
 */
export function checkStreamName(name: unknown): string {
  const problem = streamNameProblem(name);
  if (problem === undefined) return name as string;
  const shown = typeof name === "string" ? JSON.stringify(name.slice(0, 120)) : String(name);
  throw new InvalidArgumentError(`Invalid stream name ${shown}: ${problem}`);
}

/**
 * Checks a value written to a stream: JSON, at most {@linkcode MAX_STREAM_VALUE_BYTES} of it.
 *
 * @param name The stream.
 * @param value The value.
 * @returns A JSON copy of the value.
 * @throws {InvalidPayloadError} When it is not JSON (naming the field).
 * @throws {InvalidArgumentError} When its JSON is too large.
 */
export function checkStreamValue(name: string, value: unknown): JsonValue {
  const copy = toJson(value, `stream "${name}" value`);
  const bytes = new TextEncoder().encode(JSON.stringify(copy)).length;
  if (bytes > MAX_STREAM_VALUE_BYTES) {
    throw new InvalidArgumentError(
      `A value written to stream "${name}" is ${bytes} bytes of JSON, more than the limit of ${MAX_STREAM_VALUE_BYTES}`,
    );
  }
  return copy;
}

/** What a stream writer records through: the run's machine. */
export interface StreamSink {
  /**
   * Records one value of a stream.
   *
   * @param name The stream.
   * @param value The value.
   * @returns A resolved promise.
   */
  streamWrite(name: string, value: unknown): Promise<void>;
}

/** `ctx.stream(name)`: writes go to the run's machine. */
export class StreamWriter<T = JsonValue> implements WorkflowStream<T> {
  readonly name: string;
  readonly #sink: StreamSink;

  /**
   * Makes the writer of one stream.
   *
   * @param sink The run's machine.
   * @param name The stream (checked).
   */
  constructor(sink: StreamSink, name: string) {
    this.#sink = sink;
    this.name = checkStreamName(name);
  }

  write(value: T): Promise<void> {
    return this.#sink.streamWrite(this.name, value);
  }
}
