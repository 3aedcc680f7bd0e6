/** @jsxImportSource npm:preact@11.2.0 */
/**
 * The "cancel every matching run" control of the run list: a confirmation naming how many
 * running runs match (or, with a search, that every running match will be), then the progress
 * that the server streams back from its one bulk cancel call.
 *
 * @module
 */

import { useEffect, useRef, useState } from "../_deps.ts";
import { type BulkProgress, cancelMatchingRuns } from "./actions.ts";
import type { Paged, RunSummary } from "./types.ts";
import { useHydrated, useRuntime } from "./runtime.ts";

/**
 * The control.
 *
 * @param props The `/api/workflows` query of the current filter.
 * @returns The button, the confirmation or the progress.
 */
export function BulkCancel(props: { listQuery: string }) {
  const rt = useRuntime();
  const ready = useHydrated();
  const [step, setStep] = useState<"idle" | "counting" | "confirm" | "running" | "done">("idle");
  const [count, setCount] = useState<number | null>(null);
  const [progress, setProgress] = useState<BulkProgress | null>(null);
  const [error, setError] = useState("");
  const stop = useRef<AbortController | null>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (step === "confirm") confirm.current?.focus();
  }, [step]);
  const params = () => new URLSearchParams(props.listQuery.replace(/^\?/, ""));
  const searching = params().has("search");
  const running = () => {
    const p = params();
    p.set("status", "RUNNING");
    p.set("per_page", "1");
    return `/api/workflows?${p}`;
  };
  const ask = async () => {
    setError("");
    setStep("counting");
    try {
      // With a search the matches are not known before the server has examined every run.
      const page = searching ? null : await rt.api.get<Paged<RunSummary>>(running());
      setCount(page === null ? null : page.meta.total);
      setStep("confirm");
    } catch (e) {
      setError((e as Error).message);
      setStep("idle");
    }
  };
  const go = async () => {
    stop.current = new AbortController();
    setStep("running");
    try {
      const p = await cancelMatchingRuns(rt.api, props.listQuery, {
        onProgress: setProgress,
        signal: stop.current.signal,
        reason: "Cancelled from the dashboard (bulk)",
      });
      setProgress(p);
    } catch (e) {
      setError((e as Error).message);
    }
    setStep("done");
  };
  return (
    <div class="bulk" id="bulk-cancel">
      {step === "idle" || step === "counting"
        ? (
          <button
            type="button"
            class="danger"
            onClick={ask}
            disabled={!ready || step === "counting"}
            id="bulk-cancel-open"
          >
            Cancel matching runs…
          </button>
        )
        : null}
      {step === "confirm"
        ? (
          <div class="confirm" role="alertdialog" aria-labelledby="bulk-q">
            <span id="bulk-q">
              {count === null
                ? "Cancel every running run that matches this filter and search?"
                : count === 0
                ? "No running run matches this filter."
                : `Cancel ${count} running run${count === 1 ? "" : "s"} matching this filter?`}
            </span>
            {count === 0 ? null : (
              <button
                type="button"
                class="danger"
                onClick={go}
                id="bulk-cancel-confirm"
                ref={confirm}
              >
                {count === null ? "Yes, cancel them" : `Yes, cancel ${count}`}
              </button>
            )}
            <button type="button" onClick={() => setStep("idle")}>Keep them</button>
          </div>
        )
        : null}
      {(step === "running" || step === "done") && progress !== null
        ? (
          <div class="progress-box" role="status" id="bulk-progress">
            <progress
              max={progress.total ?? undefined}
              value={progress.cancelled + progress.failed}
            />
            <span>
              {progress.cancelled} of {progress.total ?? "?"} cancelled
              {progress.failed > 0
                ? `, ${progress.failed} refused (${progress.lastError ?? ""})`
                : ""}
              {progress.done ? " · done" : ""}
            </span>
            {step === "running"
              ? <button type="button" onClick={() => stop.current?.abort()}>Stop</button>
              : <button type="button" onClick={() => setStep("idle")}>Close</button>}
          </div>
        )
        : null}
      {error === "" ? null : <span class="error-text" role="alert">{error}</span>}
    </div>
  );
}
