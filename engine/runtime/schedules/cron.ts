/**
 * Cron expressions: five fields (minute, hour, day of month, month, day of week) read in UTC or
 * an IANA time zone, checked with a message that names the field at fault, and their fire times
 * (through croner). No clock: every time is given.
 *
 * @module
 */

import { InvalidArgumentError } from "../../errors.ts";
import { Cron } from "./_deps.ts";

/** The five fields, in order, as messages name them. */
export const CRON_FIELDS = ["minute", "hour", "day-of-month", "month", "day-of-week"] as const;

/** An expression's fire times. */
export interface CronTimes {
  /** The expression. */
  readonly expression: string;
  /** Its time zone (canonical IANA name). */
  readonly timezone: string;
  /**
   * The first fire time strictly after a time.
   *
   * @param after A time (ms since the epoch).
   * @returns The fire time, or `undefined` when there is none.
   */
  next(after: number): number | undefined;
  /**
   * The latest fire times up to a time (included), oldest first.
   *
   * @param count How many at most.
   * @param upTo A time (ms since the epoch).
   * @returns The fire times.
   */
  latest(count: number, upTo: number): number[];
}

/**
 * Checks a time zone name and returns its canonical spelling.
 *
 * @param timezone An IANA time zone name (`Europe/Berlin`, `UTC`).
 * @returns The canonical name.
 * @throws {InvalidArgumentError} For a name that is not a time zone.
 * @example
 * ```ts
 * import { checkTimezone } from "./cron.ts";
 * console.assert(checkTimezone("europe/berlin") === "Europe/Berlin");
 * ```
 */
export function checkTimezone(timezone: string): string {
  let canonical: string | undefined;
  try {
    canonical = new Intl.DateTimeFormat("en-US", { timeZone: timezone }).resolvedOptions()
      .timeZone;
  } catch {
    canonical = undefined;
  }
  if (typeof timezone !== "string" || timezone === "" || canonical === undefined) {
    throw new InvalidArgumentError(
      `Invalid timezone ${
        JSON.stringify(timezone)
      }: not an IANA time zone name (such as "UTC" or "Europe/Berlin")`,
      { field: "timezone" },
    );
  }
  return canonical;
}

function compile(fields: string[], timezone: string): InstanceType<typeof Cron> {
  return new Cron(fields.join(" "), { mode: "5-part", timezone });
}

/**
 * Reads a five-field cron expression.
 *
 * @param expression The expression (`"0 9 * * MON-FRI"`).
 * @param timezone The IANA time zone it is read in. @default "UTC"
 * @returns Its fire times.
 * @throws {InvalidArgumentError} For an expression that is not five valid fields (the message
 * names the field), one that never fires, or a bad time zone.
 * @example
 * ```ts
 * import { parseCron } from "./cron.ts";
 * const daily = parseCron("30 6 * * *", "Europe/Berlin");
 * const next = daily.next(Date.parse("2025-01-01T00:00:00Z"));
 * console.assert(new Date(next!).toISOString() === "2025-01-01T05:30:00.000Z");
 * ```
 */
export function parseCron(expression: string, timezone = "UTC"): CronTimes {
  const tz = checkTimezone(timezone);
  const text = typeof expression === "string" ? expression.trim() : "";
  const fields = text === "" ? [] : text.split(/\s+/);
  const shown = JSON.stringify(expression);
  if (fields.length !== 5) {
    throw new InvalidArgumentError(
      `Invalid cron expression ${shown}: it has ${fields.length} field${
        fields.length === 1 ? "" : "s"
      }, five are needed (${CRON_FIELDS.join(" ")})`,
      { field: "cron" },
    );
  }
  let cron: InstanceType<typeof Cron>;
  try {
    cron = compile(fields, tz);
  } catch (e) {
    // Find the field at fault: each one alone, the others left as "*".
    const at = fields.findIndex((_, i) => {
      try {
        compile(fields.map((f, j) => (j === i ? f : "*")), tz);
        return false;
      } catch {
        return true;
      }
    });
    const detail = (e as Error).message.replace(/^CronPattern:\s*/, "");
    const which = at < 0
      ? "its fields do not go together"
      : `the ${CRON_FIELDS[at]} field ${JSON.stringify(fields[at])} is not valid`;
    throw new InvalidArgumentError(`Invalid cron expression ${shown}: ${which} (${detail})`, {
      field: "cron",
    });
  }
  const times: CronTimes = {
    expression: fields.join(" "),
    timezone: tz,
    next(after) {
      const d = cron.nextRun(new Date(after));
      return d === null ? undefined : d.getTime();
    },
    latest(count, upTo) {
      // previousRuns() counts back from a whole second, strictly before it.
      const runs = cron.previousRuns(count + 1, new Date(upTo + 1000)).map((d) => d.getTime());
      return runs.filter((t) => t <= upTo).slice(0, count).reverse();
    },
  };
  if (times.next(Date.UTC(2000, 0, 1)) === undefined) {
    throw new InvalidArgumentError(`Invalid cron expression ${shown}: it never fires`, {
      field: "cron",
    });
  }
  return times;
}
