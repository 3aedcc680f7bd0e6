/**
 * Checking what `schedules.create()` is given: the id (the run id rule, short enough for the
 * fire time to follow it), the cron expression and time zone, the overlap and catch-up
 * policies, and the input (JSON, small enough to keep in the schedule's record). No I/O.
 *
 * @module
 */

import type { CreateScheduleOptions, ScheduleCatchup, ScheduleOverlap } from "../../client.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { type JsonValue, toJson } from "../../json.ts";
import { MAX_WORKFLOW_ID_LENGTH, workflowIdProblem } from "../../workflow_id.ts";
import { type CronTimes, parseCron } from "./cron.ts";

/** Longest schedule id: a run id is the schedule's id, `@` and a 24-character ISO time. */
export const MAX_SCHEDULE_ID_LENGTH = MAX_WORKFLOW_ID_LENGTH - 25;

/** Largest input of a schedule, as JSON text (it is kept in the schedule's record). */
export const MAX_SCHEDULE_INPUT_BYTES = 32 * 1024;

/** The overlap policies. */
export const OVERLAPS: readonly ScheduleOverlap[] = ["skip", "buffer_one", "allow_all"];

/** The catch-up policies. */
export const CATCHUPS: readonly ScheduleCatchup[] = ["one", "all", "none"];

/** What {@linkcode checkScheduleOptions} returns: the options, checked, with defaults. */
export interface CheckedSchedule {
  /** The id. */
  id: string;
  /** The expression's fire times (its canonical time zone in `cron.timezone`). */
  cron: CronTimes;
  /** Overlap policy. */
  overlap: ScheduleOverlap;
  /** Catch-up policy. */
  catchup: ScheduleCatchup;
  /** The input. */
  input: JsonValue;
}

/**
 * Checks a schedule id.
 *
 * @param id The id.
 * @returns The id.
 * @throws {InvalidArgumentError} When it breaks the rule.
 */
export function checkScheduleId(id: unknown): string {
  const problem = typeof id === "string" && id.length > MAX_SCHEDULE_ID_LENGTH
    ? `it has ${id.length} UTF-16 code units, more than ${MAX_SCHEDULE_ID_LENGTH}`
    : workflowIdProblem(id);
  if (problem !== undefined) {
    const shown = typeof id === "string" && id.length > 80
      ? `${JSON.stringify(id.slice(0, 80))}…`
      : JSON.stringify(id);
    throw new InvalidArgumentError(
      `Invalid schedule id ${shown}: ${problem}; a schedule id is 1 to ${MAX_SCHEDULE_ID_LENGTH} UTF-16 code units of well-formed Unicode, no control characters, not "." or ".."`,
      { field: "id" },
    );
  }
  return id as string;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) {
    return value as T;
  }
  throw new InvalidArgumentError(
    `Invalid ${field} ${JSON.stringify(value)}: expected one of ${
      allowed.map((a) => `"${a}"`).join(", ")
    }`,
    { field },
  );
}

/**
 * Checks the options of `schedules.create()` (all but the workflow, which the registry knows).
 *
 * @param options The options.
 * @returns The checked options, with defaults.
 * @throws {InvalidArgumentError} Naming the field at fault.
 * @throws {InvalidPayloadError} When the input is not JSON.
 * @example
 * ```ts
 * import { checkScheduleOptions } from "./options.ts";
 * const s = checkScheduleOptions({ id: "nightly", cron: "0 2 * * *", workflow: "Backup" });
 * console.assert(s.overlap === "skip" && s.catchup === "one" && s.cron.timezone === "UTC");
 * ```
 */
export function checkScheduleOptions(options: CreateScheduleOptions): CheckedSchedule {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError("Invalid schedule: give { id, cron, workflow }");
  }
  const id = checkScheduleId(options.id);
  if (typeof options.cron !== "string") {
    throw new InvalidArgumentError(
      `Invalid cron expression ${JSON.stringify(options.cron)}: it must be a string`,
      { field: "cron" },
    );
  }
  const cron = parseCron(options.cron, options.timezone ?? "UTC");
  const overlap = oneOf(options.overlap ?? "skip", OVERLAPS, "overlap");
  const catchup = oneOf(options.catchup ?? "one", CATCHUPS, "catchup");
  const input = toJson(options.input === undefined ? null : options.input, "input");
  const bytes = new TextEncoder().encode(JSON.stringify(input)).length;
  if (bytes > MAX_SCHEDULE_INPUT_BYTES) {
    throw new InvalidArgumentError(
      `Invalid input: ${bytes} bytes of JSON, more than the ${MAX_SCHEDULE_INPUT_BYTES} a schedule keeps`,
      { field: "input" },
    );
  }
  return { id, cron, overlap, catchup, input };
}
