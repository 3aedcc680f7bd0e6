/** @jsxImportSource npm:preact@11.2.0 */
/**
 * Start a run of a definition: version, optional id, JSON input (checked before it is sent).
 *
 * @module
 */

import { useState } from "../_deps.ts";
import { parseJsonInput, startRun } from "./actions.ts";
import { useHydrated, useRuntime } from "./runtime.ts";
import type { Definition } from "./types.ts";

/**
 * The form.
 *
 * @param props The definition, and the input to fill in first.
 * @returns The form.
 */
export function StartForm(props: { def: Definition; version: string; example?: unknown }) {
  const rt = useRuntime();
  const ready = useHydrated();
  const [input, setInput] = useState(
    props.example === undefined ? "{}" : JSON.stringify(props.example, null, 2),
  );
  const [version, setVersion] = useState(props.version);
  const [id, setId] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const parsed = parseJsonInput(input);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError("");
    setBusy(true);
    try {
      const started = await startRun(rt.api, {
        name: props.def.name,
        version,
        input: parsed.value,
        workflowId: id.trim(),
      });
      rt.navigate(`/workflows/${encodeURIComponent(started.workflow.id)}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <form class="start-form" onSubmit={submit} id="start-form">
      <div class="row">
        <label>
          Version
          <select
            name="version"
            value={version}
            onChange={(e) => setVersion((e.currentTarget as HTMLSelectElement).value)}
          >
            {props.def.versions.map((v) => (
              <option value={v.version} selected={v.version === version}>
                {v.version}
                {v.latest ? " (latest)" : ""}
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          Run id (optional; starting an existing id returns that run)
          <input
            name="workflow_id"
            value={id}
            class="mono"
            onInput={(e) => setId((e.currentTarget as HTMLInputElement).value)}
            placeholder="generated"
          />
        </label>
      </div>
      <label>
        Input (JSON)
        <textarea
          name="input"
          rows={5}
          class="mono"
          value={input}
          aria-invalid={error !== ""}
          onInput={(e) => {
            const v = (e.currentTarget as HTMLTextAreaElement).value;
            setInput(v);
            const p = parseJsonInput(v);
            setError(p.ok ? "" : p.error);
          }}
          id="start-input"
        />
      </label>
      {error === "" ? null : <p class="error-text" role="alert" id="start-error">{error}</p>}
      <button
        type="submit"
        class="primary"
        disabled={!ready || busy || error !== ""}
        id="start-submit"
      >
        Start run
      </button>
    </form>
  );
}
