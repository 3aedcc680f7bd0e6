/** @jsxImportSource npm:preact@11.2.0 */
/**
 * A laid-out workflow graph as SVG: nodes by kind, each with the run's status on it (a class
 * `node-<overlay>` and a word), edges by kind, and a legend.
 *
 * @module
 */

import type { GraphLayout } from "./graph_layout.ts";
import { type NodeOverlay, OVERLAY_TEXT } from "./graph_status.ts";

function path(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x},${p.y}`).join(" ");
}

/**
 * The graph.
 *
 * @param props The layout, the overlay of each node, and an accessible title.
 * @returns The SVG (and a legend).
 */
export function GraphView(
  props: { layout: GraphLayout; overlays: Record<string, NodeOverlay>; title: string; id?: string },
) {
  const { layout } = props;
  if (layout.nodes.length === 0) return <p class="empty">This definition has no steps.</p>;
  const legend = [...new Set(Object.values(props.overlays))].filter((o) => o !== "none");
  return (
    <figure class="graph" id={props.id}>
      <div class="graph-scroll">
        <svg
          role="img"
          aria-label={props.title}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={layout.width}
          height={layout.height}
          class="graph-svg"
        >
          <title>{props.title}</title>
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" class="arrow" />
            </marker>
          </defs>
          {layout.edges.map((e) => (
            <path
              d={path(e.points)}
              class={`edge edge-${e.type}`}
              marker-end="url(#arrow)"
              data-from={e.from}
              data-to={e.to}
            />
          ))}
          {layout.nodes.map((n) => {
            const o = props.overlays[n.id] ?? "none";
            const x = n.x - n.w / 2;
            const y = n.y - n.h / 2;
            return (
              <g
                class={`node node-${n.type} node-${o}`}
                data-node={n.id}
                data-status={o}
                transform={`translate(${x},${y})`}
              >
                <title>{`${n.type} ${n.label}${o === "none" ? "" : `: ${OVERLAY_TEXT[o]}`}`}</title>
                <rect
                  width={n.w}
                  height={n.h}
                  rx={n.type === "step" ? 6 : n.type === "activity" ? 20 : 2}
                />
                <text x={n.w / 2} y={18} class="node-label">{n.label}</text>
                <text x={n.w / 2} y={34} class="node-note">
                  {o === "none" ? n.note : `${n.note} · ${OVERLAY_TEXT[o]}`}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      {legend.length === 0 ? null : (
        <figcaption class="legend">
          {legend.map((o) => (
            <span class={`legend-item node-${o}`}>
              <span class="swatch" />
              {OVERLAY_TEXT[o]}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}
