/**
 * The throughput chart in the browser, drawn by uPlot over the SVG the server rendered.
 *
 * @module
 */

import type { Throughput } from "../components/types.ts";
import { uPlot } from "./_deps.ts";

function color(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === "" ? fallback : v;
}

/**
 * Draws runs per minute into a box.
 *
 * @param el The box.
 * @param data Runs per minute.
 * @returns A function that removes the chart.
 *
 * @ignore Its type is Preact's or is derived from the API's zod schemas, which the generated
 * docs do not cover; see the module's source.
 */
export function mountThroughput(el: HTMLElement, data: Throughput): () => void {
  const xs = data.minutes.map((m) => Date.parse(m.minute) / 1000);
  const series = (key: "started" | "completed" | "failed") => data.minutes.map((m) => m[key]);
  const axis = {
    stroke: color("--muted", "#888"),
    grid: { stroke: color("--line", "#8883") },
    ticks: { stroke: color("--line", "#8883") },
  };
  const width = () => Math.max(280, el.clientWidth);
  const plot = new uPlot(
    {
      width: width(),
      height: 180,
      scales: { x: { time: true } },
      tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      legend: { show: false },
      axes: [
        {
          ...axis,
          values: (_u: unknown, splits: number[]) =>
            splits.map((t) => new Date(t * 1000).toISOString().slice(11, 16)),
        },
        { ...axis, label: "runs/min" },
      ],
      series: [
        {},
        {
          label: "Started",
          stroke: color("--c-running", "#3b82f6"),
          width: 2,
          points: { show: false },
        },
        {
          label: "Completed",
          stroke: color("--c-done", "#16a34a"),
          width: 2,
          points: { show: false },
        },
        {
          label: "Failed",
          stroke: color("--c-failed", "#dc2626"),
          width: 2,
          points: { show: false },
        },
      ],
    },
    [xs, series("started"), series("completed"), series("failed")],
    el,
  );
  const resize = () => plot.setSize({ width: width(), height: 180 });
  addEventListener("resize", resize);
  return () => {
    removeEventListener("resize", resize);
    plot.destroy();
  };
}
