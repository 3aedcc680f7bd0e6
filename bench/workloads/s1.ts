/**
 * S1: schedule fire lateness. 50 schedules `* * * * *` of a one-step workflow, all due at the
 * same minute; the engine's schedule clock is the real clock moved so that this minute begins
 * one second after the schedules are created (no round waits for a real minute). Lateness: the
 * fire's run record's start time (on the same clock) − its fire time.
 *
 * @module
 */

import { SeqBench } from "../flows.ts";
import type { Workload } from "../workload.ts";
import { within } from "../env.ts";
import { p50p99 } from "./_start.ts";

const SCHEDULES = 50;
/** The minute every schedule fires at (on the moved clock). */
const FIRE_AT = Date.UTC(2030, 0, 1, 0, 1, 0);

/**
 * The lateness of each fire: its run's start on the schedule clock − the fire time.
 *
 * @param createdAt The runs' start times (real clock, ms).
 * @param offset What the schedule clock adds to the real one.
 * @param fireAt The fire time (schedule clock).
 * @returns Lateness, ms.
 */
export function lateness(createdAt: number[], offset: number, fireAt: number): number[] {
  return createdAt.map((t) => t + offset - fireAt);
}

/** S1. */
export const s1: Workload = {
  id: "S1",
  title: `${SCHEDULES} schedules "* * * * *" due at one minute, each firing a 1-step workflow`,
  metrics: [
    { key: "p50Ms", label: "fire lateness p50 (run start − fire time)", unit: "ms", kind: "time" },
    { key: "p99Ms", label: "fire lateness p99", unit: "ms", kind: "time" },
    { key: "maxMs", label: "fire lateness max", unit: "ms", kind: "time" },
  ],
  async run(env) {
    const offset = FIRE_AT - 1000 - Date.now();
    const engine = await env.engine({ scheduleClock: () => Date.now() + offset });
    for (let i = 0; i < SCHEDULES; i++) {
      await engine.schedules.create({
        id: `s1-${i}`,
        cron: "* * * * *",
        workflow: SeqBench,
        input: { steps: 1 },
      });
    }
    const ids = Array.from(
      { length: SCHEDULES },
      (_, i) => `s1-${i}@${new Date(FIRE_AT).toISOString()}`,
    );
    const records = await within(
      (async () => {
        while (true) {
          const found = await Promise.all(ids.map((id) => engine.reader.run(id)));
          if (found.every((r) => r !== undefined)) return found;
          await new Promise((r) => setTimeout(r, 20));
        }
      })(),
      30_000,
      "S1's fires",
    );
    const late = lateness(records.map((r) => r!.createdAt), offset, FIRE_AT);
    const { p50, p99 } = p50p99(late);
    return { p50Ms: p50, p99Ms: p99, maxMs: Math.max(...late) };
  },
};
