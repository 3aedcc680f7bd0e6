/** @jsxImportSource npm:preact@11.2.0 */
/**
 * A table of runs: id (a link), name and version, status, started, duration, events.
 *
 * @module
 */

import { between, fmtAge, fmtDuration } from "./format.ts";
import type { RunSummary } from "./types.ts";
import { Badge, Empty, Time } from "./ui.tsx";

/**
 * The table.
 *
 * @param props The runs, the page's `now`, and what to say when there are none.
 * @returns The table.
 */
export function RunTable(
  props: { runs: RunSummary[]; now: number; empty?: string; id?: string; compact?: boolean },
) {
  if (props.runs.length === 0) return <Empty>{props.empty ?? "No runs."}</Empty>;
  if (props.compact) return <CompactRuns runs={props.runs} now={props.now} id={props.id} />;
  return (
    <div class="table-wrap">
      <table class="runs" id={props.id}>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col" class="wide">Workflow</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col" class="num wide">Duration</th>
            <th scope="col" class="num wide">Events</th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((r) => (
            <tr key={r.id} data-run={r.id} data-status={r.status}>
              <td class="mono">
                <a href={`/workflows/${encodeURIComponent(r.id)}`}>{r.id}</a>
                <div class="muted narrow-only">{`${r.name} v${r.version}`}</div>
                {r.error_message === null
                  ? null
                  : <div class="row-error" title={r.error_message}>{r.error_message}</div>}
              </td>
              <td class="wide">
                <a href={`/definitions/${encodeURIComponent(r.name)}`}>{r.name}</a>
                <span class="muted">{` v${r.version}`}</span>
              </td>
              <td>
                <Badge value={r.status} />
              </td>
              <td>
                <Time iso={r.created_at} now={props.now} />
              </td>
              <td class="num wide">
                {fmtDuration(between(r.created_at, r.completed_at, props.now))}
              </td>
              <td class="num wide">{r.event_count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Runs in a narrow panel: id and workflow, status, age and duration. */
function CompactRuns(props: { runs: RunSummary[]; now: number; id?: string | undefined }) {
  return (
    <div class="table-wrap">
      <table class="runs compact" id={props.id}>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">Started</th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((r) => (
            <tr key={r.id} data-run={r.id} data-status={r.status}>
              <td>
                <a class="mono" href={`/workflows/${encodeURIComponent(r.id)}`}>{r.id}</a>
                <div class="muted">{`${r.name} v${r.version}`}</div>
                {r.error_message === null
                  ? null
                  : <div class="row-error" title={r.error_message}>{r.error_message}</div>}
              </td>
              <td>
                <Badge value={r.status} />
              </td>
              <td class="num">
                <span title={r.created_at}>{fmtAge(r.created_at, props.now)}</span>
                <div class="muted">
                  {fmtDuration(between(r.created_at, r.completed_at, props.now))}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
