/** @jsxImportSource npm:preact@11.2.0 */
/**
 * The buttons of a schedule's row: pause or resume it, and trigger a run now.
 *
 * @module
 */

import { useState } from "../_deps.ts";
import { setSchedulePaused, triggerSchedule } from "./actions.ts";
import { useHydrated, useRuntime } from "./runtime.ts";
import type { Schedule } from "./types.ts";

/** What an action reports to the page. */
export interface ScheduleOutcome {
  /** The schedule after the action (pause, resume). */
  schedule?: Schedule;
  /** The run a trigger started. */
  started?: string;
  /** What went wrong. */
  error?: string;
}

/**
 * The actions of one schedule.
 *
 * @param props The schedule, and what receives each outcome.
 * @returns The buttons.
 *
 * @ignore Its type is Preact's or is derived from the API's zod schemas, which the generated
 * docs do not cover; see the module's source.
 */
export function ScheduleActions(
  props: { schedule: Schedule; onDone: (outcome: ScheduleOutcome) => void },
) {
  const rt = useRuntime();
  const ready = useHydrated();
  const [busy, setBusy] = useState(false);
  const s = props.schedule;
  const act = async (what: () => Promise<ScheduleOutcome>) => {
    setBusy(true);
    try {
      props.onDone(await what());
    } catch (e) {
      props.onDone({ error: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const toggle = s.paused ? "resume" : "pause";
  return (
    <div class="buttons">
      <button
        type="button"
        class={`schedule-${toggle}`}
        disabled={!ready || busy}
        onClick={() =>
          act(async () => ({ schedule: await setSchedulePaused(rt.api, s.id, toggle) }))}
      >
        {s.paused ? "Resume" : "Pause"}
      </button>
      <button
        type="button"
        class="schedule-trigger"
        disabled={!ready || busy}
        onClick={() => act(async () => ({ started: await triggerSchedule(rt.api, s.id) }))}
      >
        Trigger now
      </button>
    </div>
  );
}
