/**
 * W6's accounting: which step bodies ran more than once across the crash, and whether each
 * re-run was legitimate (the first run's result had not been committed when the owner died) or
 * not (the result was already durable). Pure functions.
 *
 * @module
 */

/** One execution of a step body, from the trace file. */
export interface TraceRun {
  /** The run. */
  workflowId: string;
  /** The activity's sequence number in the run. */
  seq: number;
  /** Attempt number the engine gave it. */
  attempt: number;
  /** `Date.now()` when the body ran. */
  at: number;
  /** 1 = before the kill, 2 = after the restart. */
  generation: 1 | 2;
}

/**
 * Parses a trace file written by `addOneTraced` (`<workflowId> <seq> <attempt> <ms>` lines).
 *
 * @param text The file's text.
 * @param bytesAtKill Its size when the first owner was killed: lines before that offset ran
 *   before the kill, the others after the restart.
 * @returns One entry per line.
 * @throws {Error} On a malformed line.
 */
export function parseTrace(text: string, bytesAtKill: number): TraceRun[] {
  const out: TraceRun[] = [];
  const bytes = new TextEncoder().encode(text);
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    const line = new TextDecoder().decode(bytes.subarray(start, i));
    const parts = line.split(" ");
    const [workflowId, seq, attempt, at] = parts;
    if (parts.length !== 4 || workflowId === undefined || !(Number(at) > 0)) {
      throw new Error(`Malformed trace line ${JSON.stringify(line)}`);
    }
    out.push({
      workflowId,
      seq: Number(seq),
      attempt: Number(attempt),
      at: Number(at),
      generation: start < bytesAtKill ? 1 : 2,
    });
    start = i + 1;
  }
  return out;
}

/** What W6 counts. */
export interface RerunCounts {
  /** Step bodies run in all (lines of the trace). */
  executions: number;
  /** Distinct steps (workflow id + seq) that ran. */
  steps: number;
  /** Steps whose body ran more than once, for any reason. */
  ranMoreThanOnce: number;
  /**
   * Steps whose result was committed before the kill and whose body still ran again after the
   * restart: the engine repeated durable work (must be 0).
   */
  rerunCommitted: number;
  /**
   * Steps that ran before the kill without their result being committed and ran again after the
   * restart: at-least-once execution working as designed.
   */
  rerunUncommitted: number;
  /** Steps whose body ran more than once within one process lifetime (retries; 0 here). */
  repeatedWithinGeneration: number;
}

/**
 * Classifies the executions of step bodies.
 *
 * @param runs The trace.
 * @param committedAtKill `"<workflowId>:<seq>"` of every step whose `ACTIVITY_COMPLETED` was in the
 *   store when the first owner was killed.
 * @returns The counts.
 */
export function countReruns(
  runs: readonly TraceRun[],
  committedAtKill: ReadonlySet<string>,
): RerunCounts {
  const bySteps = new Map<string, TraceRun[]>();
  for (const run of runs) {
    const key = `${run.workflowId}:${run.seq}`;
    const list = bySteps.get(key) ?? [];
    list.push(run);
    bySteps.set(key, list);
  }
  const counts: RerunCounts = {
    executions: runs.length,
    steps: bySteps.size,
    ranMoreThanOnce: 0,
    rerunCommitted: 0,
    rerunUncommitted: 0,
    repeatedWithinGeneration: 0,
  };
  for (const [key, list] of bySteps) {
    if (list.length < 2) continue;
    counts.ranMoreThanOnce++;
    const before = list.filter((r) => r.generation === 1).length;
    const after = list.length - before;
    if (before > 1 || after > 1) counts.repeatedWithinGeneration++;
    if (before > 0 && after > 0) {
      if (committedAtKill.has(key)) counts.rerunCommitted++;
      else counts.rerunUncommitted++;
    }
  }
  return counts;
}
