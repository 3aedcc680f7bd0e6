/**
 * How a long-running command (`serve`, `worker`, `web`) is stopped: SIGINT, SIGTERM, or an abort
 * signal (tests). The first signal starts a graceful shutdown; a second one, or a shutdown that
 * takes longer than the grace period, ends the process at once with `128 + the signal's number`.
 * Signals within {@linkcode REPEAT_WINDOW_MS} of the first are that one stop delivered again, not
 * a second: Ctrl-C in a terminal signals the whole process group, and `deno task` forwards the
 * signal it got to its child as well, sometimes twice.
 *
 * @module
 */

/** What stopped a command. */
export type StopReason = "SIGINT" | "SIGTERM" | "abort";

/** Exit code of a process ended by a signal before its shutdown finished: 128 + its number. */
export const SIGNAL_EXIT_CODE: Readonly<Record<"SIGINT" | "SIGTERM", number>> = Object.freeze({
  SIGINT: 130,
  SIGTERM: 143,
});

/** Time a shutdown may take beyond the engine's grace period before the process is ended. */
export const SHUTDOWN_MARGIN_MS = 1000;

/** Signals this soon after the first (in ms) repeat it: they do not end the process. */
export const REPEAT_WINDOW_MS = 1000;

/**
 * What a signal does: `stop` (the first: a graceful shutdown), `repeat` (the first one
 * delivered again, within {@linkcode REPEAT_WINDOW_MS}: nothing), or `force` (a second stop:
 * end the process at once).
 *
 * @param firstAt When the first signal came (ms, monotonic), or `undefined` before it.
 * @param now Now (ms, same clock).
 * @returns The effect.
 */
export function signalEffect(
  firstAt: number | undefined,
  now: number,
): "stop" | "repeat" | "force" {
  if (firstAt === undefined) return "stop";
  return now - firstAt < REPEAT_WINDOW_MS ? "repeat" : "force";
}

/** Options of {@linkcode watchStop}. */
export interface WatchStopOptions {
  /** Also stops on this (without ending the process). */
  signal?: AbortSignal;
  /** How long the graceful shutdown may take after a signal, in ms. @default 5000 */
  graceMs?: number;
  /** Ends the process. @default Deno.exit */
  exit?: (code: number) => void;
}

/** Waits for a stop; dispose it once the command has shut down. */
export interface StopWatch extends Disposable {
  /** Resolves with the first of SIGINT, SIGTERM and the abort signal. */
  readonly stopped: Promise<StopReason>;
  /** Removes the signal listeners and the shutdown deadline. */
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM (and `signal`) until disposed. After the first signal, the
 * process has the grace period plus {@linkcode SHUTDOWN_MARGIN_MS} to shut down before it is
 * ended with {@linkcode SIGNAL_EXIT_CODE}; a second signal ends it at once, unless it repeats
 * the first ({@linkcode signalEffect}).
 *
 * @param options Abort signal, grace period, how to end the process.
 * @returns The watch.
 */
export function watchStop(options: WatchStopOptions = {}): StopWatch {
  const exit = options.exit ?? ((code: number) => Deno.exit(code));
  const graceMs = options.graceMs ?? 5000;
  let resolveStop: (reason: StopReason) => void = () => {};
  const stopped = new Promise<StopReason>((resolve) => resolveStop = resolve);
  let firstAt: number | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const listeners: [Deno.Signal, () => void][] = [];
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const listener = () => {
      const now = performance.now();
      const effect = signalEffect(firstAt, now);
      if (effect === "repeat") return;
      if (effect === "force") return exit(SIGNAL_EXIT_CODE[sig]);
      firstAt = now;
      resolveStop(sig);
      const timer = setTimeout(() => exit(SIGNAL_EXIT_CODE[sig]), graceMs + SHUTDOWN_MARGIN_MS);
      Deno.unrefTimer(timer);
      deadline = timer;
    };
    try {
      Deno.addSignalListener(sig, listener);
      listeners.push([sig, listener]);
    } catch {
      // SIGTERM cannot be listened to on Windows.
    }
  }
  const onAbort = () => resolveStop("abort");
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const dispose = () => {
    for (const [sig, listener] of listeners.splice(0)) Deno.removeSignalListener(sig, listener);
    options.signal?.removeEventListener("abort", onAbort);
    clearTimeout(deadline);
  };
  return { stopped, dispose, [Symbol.dispose]: dispose };
}

/**
 * Waits for a start-up (an engine, a server) unless a stop comes first. A start that finishes
 * after the stop is undone with `undo`.
 *
 * @param start The start-up.
 * @param stop The watch.
 * @param undo Closes what started too late.
 * @returns What started, or the reason of the stop.
 */
export async function startUnlessStopped<T>(
  start: Promise<T>,
  stop: StopWatch,
  undo: (started: T) => unknown,
): Promise<{ started: T } | { stopped: StopReason }> {
  const outcome = await Promise.race([
    start.then((started) => ({ started })),
    stop.stopped.then((stopped) => ({ stopped })),
  ]);
  if ("stopped" in outcome) start.then(undo, () => {});
  return outcome;
}
