/**
 * Waiting for a long-running command to be stopped: SIGINT, SIGTERM, or an abort signal.
 *
 * @module
 */

/**
 * Resolves when the process gets SIGINT or SIGTERM, or `signal` aborts; the signal listeners are
 * removed again.
 *
 * @param signal Also stops on this.
 * @returns Resolves on the first of them.
 */
export function untilStopped(signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      signal?.removeEventListener("abort", stop);
      resolve();
    };
    if (signal?.aborted) return resolve();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
    signal?.addEventListener("abort", stop, { once: true });
  });
}
