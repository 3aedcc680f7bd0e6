/**
 * Every code block of README.md is exercised: TypeScript snippets are type-checked and run
 * (against a temp KV file, a loopback server, a loopback copy of the repository), shell commands
 * are run or checked against the CLI's commands and flags (what `--help` prints comes from the
 * same specs) and the tasks of deno.json, text blocks are compared with what they describe; the
 * ways to run that need a build are mirrored one to one by their own tests. The first test fails
 * when a block is covered by nothing.
 */

import assert from "node:assert/strict";
import { parseCommand } from "../../cli/args.ts";
import { COMMANDS } from "../../cli/commands/mod.ts";
import { cliEnv, loom, type RunningLoom, spawnLoom, spawnProcess } from "../cli/_cli.ts";
import { tempDir, until } from "../_helpers.ts";
import { REPO_ROOT, serveFiles } from "./_file_server.ts";
import {
  type CodeBlock,
  invocationOf,
  readmeBlocks,
  shellCommands,
  shellWords,
} from "./_readme.ts";
import { BUNDLE_COMMAND, DEPLOY_COMMAND } from "./_ways.ts";

const MAIN_URL = new URL("../../main.ts", import.meta.url).href;
const CONFIG = `${REPO_ROOT}deno.json`;
const TASKS: Record<string, string> = JSON.parse(await Deno.readTextFile(CONFIG)).tasks;
const BLOCKS = await readmeBlocks();
const ENV = { LOOM_TOKEN: "secret", PWD: "/srv/app" };

/** Which test covers a block: the block's section, how its first line starts, and the test. */
const COVERAGE: { section: string; starts: string; by: string }[] = [
  { section: "Two commands", starts: "# 1. The main job", by: "Two commands" },
  { section: "A workflow", starts: "import { activity, createEngine", by: "A workflow" },
  { section: "Schedules", starts: "import { createEngine, defineWorkflow }", by: "Schedules" },
  { section: "Schedules", starts: "deno run -A main.ts schedule create", by: "Schedules: CLI" },
  { section: "Run streams", starts: "import { createEngine, defineWorkflow }", by: "Run streams" },
  { section: "Hooks", starts: "import { activity, createEngine", by: "Hooks" },
  { section: "Hooks", starts: "deno run -A main.ts serve", by: "CLI lines" },
  { section: "Ways to run", starts: "deno run -A main.ts serve", by: "CLI lines" },
  { section: "Ways to run", starts: "// flows.ts", by: "Ways to run: by URL" },
  { section: "Ways to run", starts: "// run.ts", by: "Ways to run: by URL" },
  { section: "Ways to run", starts: "deno run -A --unstable-kv", by: "Ways to run: by URL" },
  { section: "Ways to run", starts: "deno install", by: "tests/e2e/install_test.ts" },
  { section: "Ways to run", starts: "deno task bundle", by: "Ways to run: bundle, compile" },
  { section: "Ways to run", starts: "deno task compile", by: "Ways to run: bundle, compile" },
  { section: "Ways to run", starts: "{", by: "Ways to run: Deno Deploy" },
  { section: "Ways to run", starts: "LOOM_KV=", by: "Ways to run: Deno Deploy" },
  {
    section: "Processes: who owns the file",
    starts: "deno run -A main.ts serve",
    by: "Several processes on one file",
  },
  { section: "Command line", starts: "serve     Run workflows", by: "Command line: commands" },
  { section: "Command line", starts: "deno run -A main.ts start", by: "Command line: run" },
  { section: "Command line", starts: "deno run -A main.ts serve", by: "CLI lines" },
  { section: "HTTP API", starts: 'import { connect } from "./main.ts"', by: "Command line: run" },
  { section: "Workers and the sandbox", starts: "deno run -A main.ts serve", by: "CLI lines" },
  { section: "Layout", starts: "engine/mod.ts", by: "Layout" },
];

const tests = new Set<string>();
function readmeTest(name: string, fn: () => Promise<void> | void): void {
  tests.add(name);
  Deno.test(`README: ${name}`, fn);
}

function block(section: string, starts: string): CodeBlock {
  const found = BLOCKS.filter((b) => b.section === section && b.code.startsWith(starts));
  assert.equal(found.length, 1, `one README block in "${section}" starts with "${starts}"`);
  return found[0] as CodeBlock;
}

/** Checks a CLI invocation against the command's spec (what its `--help` lists). */
function checkCli(args: string[], where: string): void {
  const [name, ...rest] = args;
  const command = COMMANDS.get(name ?? "");
  assert.ok(command, `${where}: "${name}" is a loom command`);
  const parsed = parseCommand(command.spec, rest, (n) => (ENV as Record<string, string>)[n]);
  assert.notEqual(parsed, "help", where);
}

/** Checks every command of a shell block: CLI lines against the specs, tasks against deno.json. */
function checkShell(code: string, where: string): string[][] {
  const all: string[][] = [];
  for (const command of shellCommands(code)) {
    for (const part of command.split("&&")) {
      const words = shellWords(part.trim(), ENV);
      all.push(words);
      const run = invocationOf(words);
      if (run.kind === "loom") checkCli(run.args, `${where}: ${part.trim()}`);
      if (run.kind === "task") assert.ok(TASKS[run.name], `${where}: no task "${run.name}"`);
    }
  }
  return all;
}

async function denoRun(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: cliEnv({ NO_COLOR: "1" }),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: result.code, out: d.decode(result.stdout) + d.decode(result.stderr) };
}

/** Type-checks and runs a snippet written into `dir` (Loom's deno.json: its compiler options). */
async function checkAndRun(dir: string, file: string, code: string): Promise<string> {
  await Deno.writeTextFile(`${dir}/${file}`, code);
  const checked = await denoRun(["check", "--no-lock", "--config", CONFIG, file], dir);
  assert.equal(checked.code, 0, checked.out);
  const ran = await denoRun(["run", "-A", "--no-lock", "--config", CONFIG, file], dir);
  assert.equal(ran.code, 0, ran.out);
  return ran.out;
}

Deno.test("README: every code block is covered by a test", async () => {
  const uncovered = BLOCKS.filter((b) =>
    COVERAGE.filter((c) => c.section === b.section && b.code.startsWith(c.starts)).length !== 1
  ).map((b) => `README.md:${b.line} (${b.section}): ${b.code.split("\n")[0]}`);
  assert.deepEqual(uncovered, [], "blocks with no (or several) entries in COVERAGE");
  for (const c of COVERAGE) {
    if (c.by.startsWith("tests/")) {
      const text = await Deno.readTextFile(`${REPO_ROOT}${c.by}`);
      assert.ok(text.includes(`"${c.section}"`), `${c.by} reads the README's "${c.section}"`);
    } else {
      assert.ok(tests.has(c.by), `no README test named "${c.by}"`);
    }
  }
});

readmeTest("Two commands", async () => {
  const words = checkShell(block("Two commands", "# 1.").code, "Two commands");
  const ci = await Deno.readTextFile(`${REPO_ROOT}.ci/run`);
  const version = (ci.match(/^DENO_VERSION=(\S+)$/m) as RegExpMatchArray)[1];
  assert.deepEqual(words, [
    ["npx", "-y", `deno@${version}`, "task", "start"],
    ["npx", "-y", `deno@${version}`, "task", "test"],
  ]);
  assert.equal(version, Deno.version.deno, "the README's Deno is the one that runs the tests");
  assert.equal(TASKS.start, "deno run -A main.ts serve");
  // On a fresh clone (committed files only: no dist/, no node_modules/), the main job starts,
  // runs the examples and serves the API; --port 0 because the real main job may use 8000.
  await using dir = await tempDir();
  const clone = await new Deno.Command("git", {
    args: ["clone", "--quiet", "--depth", "1", `file://${REPO_ROOT}`, `${dir.path}/loom`],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(clone.success, new TextDecoder().decode(clone.stderr));
  await using job: RunningLoom = spawnProcess(
    new Deno.Command(Deno.execPath(), {
      args: ["task", "start", "--port", "0", "--workers", "1"],
      cwd: `${dir.path}/loom`,
      env: cliEnv({ NO_COLOR: "1" }),
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
    "deno task start in a fresh clone",
  );
  await job.waitFor("result of order:", 90_000);
  const url = (job.stdout().match(/API: (http:\/\/\S+)\/api/) as RegExpMatchArray)[1];
  const docs = await fetch(`${url}/docs`);
  assert.equal(docs.status, 200);
  await docs.body?.cancel();
  assert.equal(await job.stop("SIGINT"), 0, job.stderr());
});

readmeTest("A workflow", async () => {
  await using dir = await tempDir();
  const code = block("A workflow", "import").code.replace(`from "./main.ts"`, `from "${MAIN_URL}"`);
  const out = await checkAndRun(dir.path, "workflow.ts", code);
  assert.match(out, /\{ paymentConfirmed: true \}/);
  assert.ok((await Deno.stat(`${dir.path}/.loom/loom.kv`)).isFile, "its KV file");
});

readmeTest("Schedules", async () => {
  await using dir = await tempDir();
  const code = block("Schedules", "import").code.replace(`from "./main.ts"`, `from "${MAIN_URL}"`);
  const out = await checkAndRun(dir.path, "schedules.ts", code);
  const [next, result, listed] = out.trim().split("\n");
  const at = new Date(next as string);
  assert.ok(at.getTime() > Date.now(), `${next}: a time to come`);
  assert.ok(at.getUTCDay() >= 1 && at.getUTCDay() <= 5, `${next}: a weekday`);
  assert.ok([7, 8].includes(at.getUTCHours()) && at.getUTCMinutes() === 0, `${next}: 09:00 Berlin`);
  assert.equal(result, "{ sent: true }");
  assert.equal(listed, '[ [ "daily-report", true ] ]');
});

readmeTest("Schedules: CLI", async () => {
  const lines = checkShell(block("Schedules", "deno run -A main.ts schedule").code, "Schedules");
  await using dir = await tempDir();
  await using serve = spawnLoom(["serve", "--port", "0", "--workers", "0"], { cwd: dir.path });
  await serve.waitFor("API: ", 60_000);
  await until(() => Deno.stat(`${dir.path}/.loom/server.json`).catch(() => false), "server.json");
  const outputs: string[] = [];
  for (const words of lines) {
    const run = invocationOf(words);
    assert.equal(run.kind, "loom", words.join(" "));
    const out = await loom((run as { args: string[] }).args, { cwd: dir.path });
    assert.equal(out.code, 0, `${words.join(" ")}\n${out.stdout}${out.stderr}`);
    outputs.push(out.stdout);
  }
  assert.match(outputs[0] as string, /^Created schedule nightly-order: OrderProcessing at "0 2/);
  assert.match(outputs[1] as string, /nightly-order\s+OrderProcessing\s+0 2 \* \* \*/);
  assert.match(outputs[2] as string, /started workflow nightly-order@\d{4}-/);
  assert.equal(outputs[3], "Paused schedule nightly-order\n");
  assert.match(outputs[4] as string, /^Deleted schedule nightly-order/);
  assert.equal(await serve.stop("SIGINT"), 0);
});

readmeTest("Run streams", async () => {
  await using dir = await tempDir();
  const code = block("Run streams", "import").code.replace(
    `from "./main.ts"`,
    `from "${MAIN_URL}"`,
  );
  const out = await checkAndRun(dir.path, "streams.ts", code);
  assert.match(
    out,
    /\{ page: 1, of: 3 \}\n\{ page: 2, of: 3 \}\n\{ page: 3, of: 3 \}\n\{ pages: 3 \}/,
  );
});

readmeTest("Hooks", async () => {
  await using dir = await tempDir();
  const code = block("Hooks", "import").code.replace(`from "./main.ts"`, `from "${MAIN_URL}"`);
  const out = await checkAndRun(dir.path, "hooks.ts", code);
  assert.match(out, /^https:\/\/loom\.example\/api\/hooks\/hk_[A-Za-z0-9_-]{43}$/m);
  assert.match(out, /\{ approved: true, by: "ann" \}/);
});

readmeTest("Several processes on one file", async () => {
  const lines = checkShell(
    block("Processes: who owns the file", "deno run -A main.ts serve").code,
    "Several processes",
  );
  const args = lines.map((words) => (invocationOf(words) as { args: string[] }).args);
  assert.deepEqual(args, [["serve"], ["worker"], ["stats"]]); // not a server: the lines as written
  await using dir = await tempDir();
  // As written, but on an ephemeral port and with the code in this process (no Workers).
  await using serve = spawnLoom(["serve", "--port", "0", "--workers", "0"], { cwd: dir.path });
  await serve.waitFor("API: ", 60_000);
  assert.match(serve.stdout(), /Loom engine owns \.loom\/loom\.kv/);
  await using worker = spawnLoom(["worker", "--workers", "0"], { cwd: dir.path });
  await worker.waitFor("owns", 60_000);
  assert.match(worker.stdout(), /owns \S*\.loom\/loom\.kv\S* with 1 other process/);
  // "the second one takes 8 of them": both hold half once the first has given its extra up.
  const held = await until(
    async () => {
      const out = await loom([...args[2] as string[], "--json"], { cwd: dir.path });
      const stats = JSON.parse(out.stdout) as { processes: { partitions: number[] }[] };
      const counts = stats.processes.map((p) => p.partitions.length);
      return counts.length === 2 && counts[0] === 8 && counts[1] === 8 ? counts : undefined;
    },
    "both processes holding 8 partitions",
    30_000,
  );
  assert.deepEqual(held, [8, 8]);
  const table = await loom(args[2] as string[], { cwd: dir.path });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /16 of 16 partitions held/);
  // SIGTERM hands the worker's partitions back over at once: the server holds all 16 again.
  assert.equal(await worker.stop("SIGTERM"), 0);
  await until(
    async () => {
      const out = await loom([...args[2] as string[], "--json"], { cwd: dir.path });
      const stats = JSON.parse(out.stdout) as { processes: { partitions: number[] }[] };
      return stats.processes.length === 1 && stats.processes[0]?.partitions.length === 16;
    },
    "the server holding all 16 again",
    15_000,
  );
  assert.equal(await serve.stop("SIGINT"), 0);
});

readmeTest("CLI lines", () => {
  for (
    const [section, starts] of [
      ["Ways to run", "deno run -A main.ts serve"],
      ["Command line", "deno run -A main.ts serve"],
      ["Workers and the sandbox", "deno run -A main.ts serve"],
      ["Hooks", "deno run -A main.ts serve"],
    ] as const
  ) {
    for (const words of checkShell(block(section, starts).code, section)) {
      assert.equal(invocationOf(words).kind, "loom", words.join(" "));
    }
  }
});

readmeTest("Ways to run: by URL", async () => {
  await using files = serveFiles();
  await using dir = await tempDir();
  const main = `${files.url}main.ts`;
  for (const [file, starts] of [["flows.ts", "// flows.ts"], ["run.ts", "// run.ts"]]) {
    const code = block("Ways to run", starts as string).code;
    assert.ok(code.includes(`from "https://loom.example/main.ts"`), file);
    await Deno.writeTextFile(
      `${dir.path}/${file}`,
      code.replace("https://loom.example/main.ts", main),
    );
  }
  await Deno.writeTextFile(`${dir.path}/deno.json`, "{}"); // the importing project's own config
  const [command] = shellCommands(block("Ways to run", "deno run -A --unstable-kv").code);
  const [deno, run, ...args] = shellWords(command as string);
  assert.deepEqual([deno, run], ["deno", "run"]);
  const ran = await denoRun([run as string, "--no-lock", ...args], dir.path);
  assert.equal(ran.code, 0, ran.out);
  assert.match(ran.out, /\{ loud: "HELLO" \}/);
  assert.ok(files.requests.includes("/engine/runtime/worker_pool/worker_entry.ts"), "Workers");
});

readmeTest("Ways to run: bundle, compile", () => {
  const bundle = checkShell(block("Ways to run", "deno task bundle").code, "the bundle");
  assert.deepEqual(bundle[0], ["deno", "task", "bundle"]);
  // bundle_test runs this line (on port 0); here it is a README line: not a server.
  const run = ["deno", ...BUNDLE_COMMAND, "serve"]; // not a server
  assert.deepEqual(bundle.at(-1), run);
  assert.ok(bundle.some((w) => w[0] === "cp" && w[1] === "dist/loom.js"), "copied alone");
  assert.equal(TASKS.bundle, "deno run -A build/bundle.ts");
  const compile = checkShell(block("Ways to run", "deno task compile").code, "the binary");
  assert.deepEqual(compile[0], ["deno", "task", "compile"]);
  assert.deepEqual(compile[1]?.slice(0, 2), ["dist/loom", "serve"]); // not a server
  assert.equal(TASKS.compile, "deno run -A build/compile.ts"); // compile_test runs it
});

readmeTest("Ways to run: Deno Deploy", async () => {
  // The deno.json keys the section shows are Loom's own.
  const shown = JSON.parse(block("Ways to run", "{").code) as Record<string, unknown>;
  const config = JSON.parse(await Deno.readTextFile(CONFIG)) as Record<string, unknown>;
  for (const [key, value] of Object.entries(shown)) assert.deepEqual(config[key], value, key);
  const entry = (shown.deploy as { runtime: { entrypoint: string } }).runtime.entrypoint;
  assert.equal(entry, `./${DEPLOY_COMMAND.at(-1)}`);
  // The local line is the command deploy_test runs (there with --port 0 and a lockfile flag).
  const [words] = checkShell(block("Ways to run", "LOOM_KV=").code, "Deno Deploy");
  const env = (words as string[]).filter((w) => /^[A-Z_]+=/.test(w));
  assert.deepEqual(env, ["LOOM_KV=.loom/deploy.kv"]);
  assert.deepEqual((words as string[]).slice(env.length), ["deno", ...DEPLOY_COMMAND]);
  const text = await Deno.readTextFile(`${REPO_ROOT}tests/e2e/deploy_test.ts`);
  assert.ok(text.includes("LOOM_KV"), "deploy_test runs it with LOOM_KV");
});

readmeTest("Command line: commands", async () => {
  const help = await loom(["--help"], { cwd: REPO_ROOT });
  const listed = help.stdout.split("\n").filter((l) => /^ {2}[a-z]+ {2,}\S/.test(l))
    .map((l) => l.slice(2));
  assert.deepEqual(block("Command line", "serve     Run").code.split("\n"), listed);
});

readmeTest("Command line: run", async () => {
  await using dir = await tempDir();
  await using serve = spawnLoom(["serve", "--port", "0", "--workers", "1"], { cwd: dir.path });
  await serve.waitFor("API: ", 60_000);
  await until(() => Deno.stat(`${dir.path}/.loom/server.json`).catch(() => false), "server.json");
  const outputs: string[] = [];
  for (const command of shellCommands(block("Command line", "deno run -A main.ts start").code)) {
    const run = invocationOf(shellWords(command, ENV));
    assert.equal(run.kind, "loom", command);
    const out = await loom((run as { args: string[] }).args, { cwd: dir.path });
    assert.equal(out.code, 0, `${command}\n${out.stdout}${out.stderr}`);
    outputs.push(out.stdout);
  }
  assert.match(outputs[0] as string, /"paymentConfirmed": true/);
  assert.match(outputs[2] as string, /Signal "approve" sent to workflow refund-42/);
  assert.ok(Array.isArray(JSON.parse(outputs[4] as string).workflows));
  const url = (serve.stdout().match(/API: (http:\/\/\S+)\/api/) as RegExpMatchArray)[1] as string;
  await until(async () => {
    const res = await fetch(`${url}/api/workflows/refund-42`);
    return (await res.json()).status === "COMPLETED";
  }, "the approval the reader signalled to complete");
  // HTTP API: the snippet, against this server.
  const snippet = block("HTTP API", "import { connect }").code
    .replace(`from "./main.ts"`, `from "${MAIN_URL}"`)
    .replace("http://127.0.0.1:8000", url); // port 8000 is the real main job's: not a server
  const printed = await checkAndRun(dir.path, "client.ts", snippet);
  assert.match(printed, /paymentConfirmed: true/);
  assert.equal(await serve.stop("SIGINT"), 0);
});

readmeTest("Layout", async () => {
  const exists = (path: string) => Deno.stat(`${REPO_ROOT}${path}`).then(() => true, () => false);
  let folder = "";
  for (const line of block("Layout", "engine/mod.ts").code.split("\n")) {
    const column = line.match(/^(\S+(?: \S+)*) {2,}/)?.[1];
    if (column !== undefined) {
      for (const path of column.split(" ")) {
        assert.ok(await exists(path), `Layout names ${path}, which is not in the repository`);
      }
      const first = column.split(" ")[0] as string;
      folder = first.endsWith("/") ? first : first.slice(0, first.lastIndexOf("/") + 1);
    }
    for (const [file] of line.slice(column?.length ?? 0).matchAll(/\b[\w.]+\.ts\b/g)) {
      assert.ok(
        await exists(`${folder}${file}`) || await exists(file),
        `Layout names ${file} (in ${folder}), which is not in the repository`,
      );
    }
  }
});
