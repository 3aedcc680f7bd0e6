/** @jsxImportSource npm:preact@11.2.0 */
/**
 * The throughput chart: runs started, completed and failed per minute. The server draws it as
 * SVG bars (so the page shows it before any script runs); in the browser uPlot takes over the
 * same box, with a cursor and a legend.
 *
 * @module
 */

import { useEffect, useRef, useState } from "../_deps.ts";
import { useRuntime } from "./runtime.ts";
import type { Throughput } from "./types.ts";

const SERIES = [
  ["started", "Started"],
  ["completed", "Completed"],
  ["failed", "Failed"],
] as const;

/**
 * Bars per minute as SVG.
 *
 * @param props Runs per minute.
 * @returns The SVG.
 */
export function ThroughputSvg(props: { data: Throughput }) {
  const minutes = props.data.minutes;
  const W = 720;
  const H = 160;
  const max = Math.max(1, ...minutes.flatMap((m) => [m.started, m.completed, m.failed]));
  const slot = W / Math.max(1, minutes.length);
  const bar = Math.max(1, (slot - 4) / 3);
  return (
    <svg class="chart-svg" viewBox={`0 0 ${W} ${H + 18}`} role="img" aria-label="Runs per minute">
      <title>Runs started, completed and failed per minute</title>
      <line x1="0" y1={H} x2={W} y2={H} class="axis" />
      {minutes.map((m, i) =>
        SERIES.map(([key], j) => {
          const v = m[key];
          const h = (v / max) * (H - 8);
          return (
            <rect
              class={`bar bar-${key}`}
              x={i * slot + 2 + j * bar}
              y={H - h}
              width={bar}
              height={h}
            >
              <title>{`${m.minute.slice(11, 16)} ${key}: ${v}`}</title>
            </rect>
          );
        })
      )}
      {minutes.length > 0
        ? (
          <>
            <text x="2" y={H + 14} class="tick">{minutes[0]?.minute.slice(11, 16)}</text>
            <text x={W - 2} y={H + 14} class="tick end">
              {minutes.at(-1)?.minute.slice(11, 16)} UTC
            </text>
            <text x="2" y="10" class="tick">{max}/min</text>
          </>
        )
        : null}
    </svg>
  );
}

function sum(data: Throughput, key: "started" | "completed" | "failed"): number {
  return data.minutes.reduce((n, m) => n + m[key], 0);
}

/**
 * The chart: SVG first, uPlot once hydrated (where the runtime has it).
 *
 * @param props Runs per minute.
 * @returns The chart.
 */
export function ThroughputChart(props: { data: Throughput }) {
  const rt = useRuntime();
  const box = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!rt.browser || rt.mountChart === undefined || el === null) return;
    const remove = rt.mountChart(el, props.data);
    setDrawn(true);
    return remove;
  }, [rt, props.data]);
  return (
    <div class="chart">
      <div class="chart-legend">
        {SERIES.map(([key, label]) => (
          <span class={`key key-${key}`}>
            <span class="swatch" />
            {label}
          </span>
        ))}
        <span class="muted" id="throughput-sum">
          {`· in ${props.data.minutes.length} min: ${sum(props.data, "started")} started, ${
            sum(props.data, "completed")
          } completed, ${sum(props.data, "failed")} failed (UTC)`}
        </span>
      </div>
      <div ref={box} class="chart-live" data-drawn={drawn ? "uplot" : "svg"} />
      {drawn ? null : <ThroughputSvg data={props.data} />}
    </div>
  );
}
