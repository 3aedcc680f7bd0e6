import assert from "node:assert/strict";
import { stripAnsi } from "../../cli/style.ts";
import { createStyle } from "../../cli/style.ts";
import { formatPairs, formatTable, truncate } from "../../cli/table.ts";

interface Row {
  id: string;
  n: number;
}

const plain = createStyle(false);
const columns = [
  { header: "ID", value: (r: Row) => r.id },
  { header: "Count", value: (r: Row) => String(r.n), align: "right" as const },
  { header: "Note", value: (r: Row) => (r.n > 1 ? "many" : "") },
];

Deno.test("formatTable() aligns columns under their headers", () => {
  const lines = formatTable(columns, [{ id: "a", n: 1 }, { id: "abcdef", n: 1234 }], plain);
  assert.deepEqual(lines, [
    "ID      Count  Note",
    "a           1",
    "abcdef   1234  many",
  ]);
});

Deno.test("formatTable() leaves no trailing spaces and works with no rows", () => {
  const lines = formatTable(columns, [], plain);
  assert.deepEqual(lines, ["ID  Count  Note"]);
  for (const line of formatTable(columns, [{ id: "x", n: 1 }], plain)) {
    assert.equal(line, line.trimEnd());
  }
});

Deno.test("formatTable() colours cells without breaking the alignment", () => {
  const style = createStyle(true);
  const lines = formatTable(
    [
      { header: "Status", value: (r: { s: string }) => r.s, color: (t: string) => style.red(t) },
      { header: "X", value: () => "x" },
    ],
    [{ s: "FAILED" }, { s: "OK" }],
    style,
  );
  assert.ok(lines[1]?.includes("\x1b[31mFAILED\x1b[39m"));
  assert.deepEqual(lines.map(stripAnsi), ["Status  X", "FAILED  x", "OK      x"]);
});

Deno.test("formatTable() cuts long cells at maxWidth with an ellipsis", () => {
  const lines = formatTable(
    [{ header: "Name", value: (r: { s: string }) => r.s, maxWidth: 5 }, {
      header: "X",
      value: () => "x",
    }],
    [{ s: "abcdefghij" }, { s: "ab" }],
    plain,
  );
  assert.deepEqual(lines, ["Name   X", "abcd…  x", "ab     x"]);
});

Deno.test("formatTable() measures wide characters as two columns", () => {
  const lines = formatTable(
    [{ header: "N", value: (r: { s: string }) => r.s }, { header: "X", value: () => "x" }],
    [{ s: "日本" }, { s: "abcd" }],
    plain,
  );
  assert.deepEqual(lines, ["N     X", "日本  x", "abcd  x"]);
});

Deno.test("formatTable() keeps a cell with a newline on one line", () => {
  const lines = formatTable([{ header: "M", value: () => "a\nb" }], [{}], plain);
  assert.deepEqual(lines, ["M", "a b"]);
});

Deno.test("truncate() keeps short text and cuts long text to the width", () => {
  assert.equal(truncate("abc", 3), "abc");
  assert.equal(truncate("abcd", 3), "ab…");
});

Deno.test("formatPairs() aligns values after their labels", () => {
  assert.deepEqual(formatPairs([["ID", "1"], ["Status", "RUNNING"]], plain, 2), [
    "  ID:      1",
    "  Status:  RUNNING",
  ]);
});
