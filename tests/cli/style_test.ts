import assert from "node:assert/strict";
import { colorEnabled, createStyle, displayWidth, stripAnsi } from "../../cli/style.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("colorEnabled() colours a terminal and not a pipe", () => {
  assert.equal(colorEnabled(env({}), true), true);
  assert.equal(colorEnabled(env({}), false), false);
});

Deno.test("colorEnabled() turns colour off with a non-empty NO_COLOR, even when forced", () => {
  assert.equal(colorEnabled(env({ NO_COLOR: "1" }), true), false);
  assert.equal(colorEnabled(env({ NO_COLOR: "1", FORCE_COLOR: "1" }), true), false);
  assert.equal(colorEnabled(env({ NO_COLOR: "" }), true), true, "empty NO_COLOR is ignored");
});

Deno.test("colorEnabled() forces colour on a pipe with FORCE_COLOR, except FORCE_COLOR=0", () => {
  assert.equal(colorEnabled(env({ FORCE_COLOR: "1" }), false), true);
  assert.equal(colorEnabled(env({ FORCE_COLOR: "0" }), false), false);
});

Deno.test("createStyle() writes ANSI codes only when enabled", () => {
  assert.equal(createStyle(true).green("ok"), "\x1b[32mok\x1b[39m");
  assert.equal(createStyle(true).bold("b"), "\x1b[1mb\x1b[22m");
  assert.equal(createStyle(false).green("ok"), "ok");
});

Deno.test("displayWidth() ignores colour codes and counts wide characters twice", () => {
  assert.equal(displayWidth(createStyle(true).red("abc")), 3);
  assert.equal(displayWidth("日本"), 4);
  assert.equal(stripAnsi("\x1b[2mx\x1b[22m"), "x");
});
