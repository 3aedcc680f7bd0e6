/**
 * Aligned text tables for the terminal.
 *
 * @module
 */

import { displayWidth, type Style } from "./style.ts";

/** A column of {@linkcode formatTable}. */
export interface Column<T> {
  /** Header text. */
  header: string;
  /** The cell's plain text. */
  value: (row: T) => string;
  /** Alignment. @default "left" */
  align?: "left" | "right";
  /** Longer cells are cut and end with `…`. */
  maxWidth?: number;
  /** Colours a cell (after alignment is computed on the plain text). */
  color?: (text: string, row: T) => string;
}

/**
 * Cuts text to a width, ending it with `…` when cut.
 *
 * @param text Plain text.
 * @param width Columns available (at least 1).
 * @returns The text, at most `width` columns wide.
 */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = "";
  for (const ch of text) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

function pad(text: string, width: number, align: "left" | "right"): string {
  const room = " ".repeat(Math.max(0, width - displayWidth(text)));
  return align === "right" ? room + text : text + room;
}

/**
 * Lays rows out under their headers, columns separated by two spaces, with no trailing spaces.
 *
 * @param columns The columns.
 * @param rows The rows.
 * @param style Colours (the header is bold).
 * @returns The lines: the header, then one per row.
 * @example
 * ```ts
 * import { formatTable } from "./table.ts";
 * import { createStyle } from "./style.ts";
 * const lines = formatTable(
 *   [{ header: "Name", value: (r: { n: string }) => r.n }, { header: "Len", value: (r) => String(r.n.length), align: "right" }],
 *   [{ n: "a" }, { n: "abcdef" }],
 *   createStyle(false),
 * );
 * console.assert(lines[1] === "a         1");
 * ```
 */
export function formatTable<T>(columns: Column<T>[], rows: T[], style: Style): string[] {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const text = c.value(row).replace(/[\r\n\t]+/g, " ");
      return c.maxWidth === undefined ? text : truncate(text, c.maxWidth);
    })
  );
  const widths = columns.map((c, i) =>
    Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i] as string)))
  );
  const line = (parts: string[]) => parts.join("  ").replace(/\s+$/, "");
  const header = line(columns.map((c, i) => {
    const text = pad(c.header, widths[i] as number, c.align ?? "left");
    return i === columns.length - 1 && c.align !== "right"
      ? style.bold(c.header)
      : style.bold(text);
  }));
  const body = cells.map((r, ri) =>
    line(r.map((text, i) => {
      const c = columns[i] as Column<T>;
      const last = i === columns.length - 1 && c.align !== "right";
      const padded = last ? text : pad(text, widths[i] as number, c.align ?? "left");
      if (c.color === undefined) return padded;
      // Colour the text only, so that padding stays plain.
      const colored = c.color(text, rows[ri] as T);
      return padded.replace(text, () => colored);
    }))
  );
  return [header, ...body];
}

/**
 * Lays out `label: value` pairs with the values aligned.
 *
 * @param pairs Labels and values.
 * @param style Colours (labels are dim).
 * @param indent Spaces before each line.
 * @returns The lines.
 */
export function formatPairs(pairs: [string, string][], style: Style, indent = 0): string[] {
  const width = Math.max(0, ...pairs.map(([label]) => displayWidth(label) + 1));
  return pairs.map(([label, value]) =>
    `${" ".repeat(indent)}${style.dim(pad(`${label}:`, width, "left"))}  ${value}`
  );
}
