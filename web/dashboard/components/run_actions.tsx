/** @jsxImportSource npm:preact@11.2.0 */
/**
 * The actions of a run's page: cancel (with a confirmation), send a signal (JSON data checked
 * before sending), re-run with the same input, compare with another run.
 *
 * @module
 */

import { useEffect, useRef, useState } from "../_deps.ts";
import { cancelRun, parseJsonInput, rerun, sendSignal } from "./actions.ts";
import { useHydrated, useRuntime } from "./runtime.ts";
import type { RunDetail } from "./types.ts";

/**
 * The buttons and the signal form.
 *
 * @param props The run, and the signals it waits for.
 * @returns The actions.
 */
export function RunActions(props: { run: RunDetail; waiting: string[] }) {
  const rt = useRuntime();
  const ready = useHydrated();
  const [open, setOpen] = useState<"" | "cancel" | "signal">("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState("");
  const [error, setError] = useState("");
  const [signalName, setSignalName] = useState(props.waiting[0] ?? "");
  const [signalData, setSignalData] = useState("");
  const running = props.run.status === "RUNNING";
  const first = useRef<HTMLInputElement & HTMLButtonElement>(null);
  // Opening the form or the confirmation moves the focus into it (keyboard users land there).
  useEffect(() => {
    if (open !== "") first.current?.focus();
  }, [open]);
  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    setError("");
    try {
      setMessage(await what());
      setOpen("");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const doSignal = (ev: Event) => {
    ev.preventDefault();
    const parsed = parseJsonInput(signalData);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    if (signalName.trim() === "") {
      setError("Give the signal a name");
      return;
    }
    act(async () => {
      await sendSignal(rt.api, props.run.id, signalName.trim(), parsed.value);
      return `Signal "${signalName.trim()}" sent`;
    });
  };
  return (
    <div class="run-actions" id="run-actions">
      <div class="buttons">
        {running
          ? (
            <>
              <button
                type="button"
                onClick={() => setOpen(open === "signal" ? "" : "signal")}
                disabled={!ready || busy}
                id="signal-open"
                aria-expanded={open === "signal"}
              >
                Send signal…
              </button>
              <button
                type="button"
                class="danger"
                onClick={() => setOpen(open === "cancel" ? "" : "cancel")}
                disabled={!ready || busy}
                id="cancel-open"
              >
                Cancel…
              </button>
            </>
          )
          : null}
        <button
          type="button"
          id="rerun"
          disabled={!ready || busy}
          onClick={() =>
            act(async () => {
              const started = await rerun(rt.api, props.run);
              rt.navigate(`/workflows/${encodeURIComponent(started.workflow.id)}`);
              return `Started ${started.workflow.id}`;
            })}
        >
          Re-run with this input
        </button>
        <a class="button" href={`/compare?a=${encodeURIComponent(props.run.id)}`}>Compare…</a>
      </div>
      {open === "cancel"
        ? (
          <div class="confirm" role="alertdialog" aria-labelledby="cancel-q">
            <span id="cancel-q">
              Cancel this run? Its code sees a cancellation at its next durable call.
            </span>
            <button
              type="button"
              class="danger"
              id="cancel-confirm"
              ref={first}
              disabled={busy}
              onClick={() =>
                act(async () => {
                  await cancelRun(rt.api, props.run.id);
                  return "Cancel requested";
                })}
            >
              Yes, cancel it
            </button>
            <button type="button" onClick={() => setOpen("")}>Keep it running</button>
          </div>
        )
        : null}
      {open === "signal"
        ? (
          <form class="signal-form" onSubmit={doSignal} id="signal-form">
            <label>
              Signal name
              <input
                name="signal"
                ref={first}
                value={signalName}
                list="waiting-signals"
                onInput={(e) => setSignalName((e.currentTarget as HTMLInputElement).value)}
                required
              />
              <datalist id="waiting-signals">
                {props.waiting.map((n) => <option key={n} value={n} />)}
              </datalist>
            </label>
            <label class="grow">
              Data (JSON)
              <textarea
                name="data"
                rows={3}
                class="mono"
                placeholder='{"approved": true}'
                value={signalData}
                onInput={(e) => setSignalData((e.currentTarget as HTMLTextAreaElement).value)}
              />
            </label>
            <button type="submit" class="primary" disabled={busy} id="signal-send">Send</button>
          </form>
        )
        : null}
      {message === "" ? null : <p class="ok-text" role="status" id="action-message">{message}</p>}
      {error === "" ? null : <p class="error-text" role="alert" id="action-error">{error}</p>}
    </div>
  );
}
