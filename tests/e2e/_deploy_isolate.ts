/**
 * Runs the Deno Deploy entry as the README does (`DEPLOY_COMMAND`: `deno serve -A --host
 * 127.0.0.1 web/deploy.ts`), with `--port 0` and a lockfile flag, in the repository's folder, with
 * its settings in the environment.
 * `deno serve` prints `deno serve: Listening on http://127.0.0.1:<port>/` on stderr; the port is
 * read from there.
 *
 * @module
 */

import { DEPLOY_COMMAND } from "./_ways.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A running `deno serve` of the entry. */
export interface DeployIsolate extends AsyncDisposable {
  /** Its base URL. */
  readonly url: string;
  /** What it printed on stderr so far. */
  log(): string;
  /** Ends it with a signal and waits for the exit. */
  kill(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/** Options of {@linkcode serveDeploy}. */
export interface ServeDeployOptions {
  /** The `deno` to run. @default Deno.execPath() */
  deno?: string;
  /** Environment variables (`LOOM_KV`, `LOOM_MODULES`, `LOOM_TOKEN`, ...). */
  env: Record<string, string>;
  /**
   * `"frozen"`: run with the repository's `deno.lock`, refusing any change to it (as a deployment
   * does); `"none"`: without a lockfile. @default "none"
   */
  lock?: "frozen" | "none";
  /** How long to wait for the port. @default 60000 */
  timeoutMs?: number;
}

/**
 * Starts the entry and waits until it listens.
 *
 * @param options The `deno`, the environment.
 * @returns The running isolate; disposing it kills it.
 */
export async function serveDeploy(options: ServeDeployOptions): Promise<DeployIsolate> {
  const child = new Deno.Command(options.deno ?? Deno.execPath(), {
    args: [
      ...DEPLOY_COMMAND.slice(0, -1),
      options.lock === "frozen" ? "--frozen" : "--no-lock",
      "--port",
      "0",
      DEPLOY_COMMAND.at(-1) as string,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  let listening: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => listening = resolve);
  const pump = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const found = text.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (found !== null) listening(found[1] as string);
    }
  })();
  let status: Promise<Deno.CommandStatus> | undefined;
  const kill = (signal: Deno.Signal = "SIGTERM") => {
    status ??= (async () => {
      try {
        child.kill(signal);
      } catch { /* exited already */ }
      const s = await child.status;
      await pump;
      return s;
    })();
    return status;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = child.status.then((s) => `exited with ${s.code}`);
  const timeout = new Promise<string>((r) =>
    timer = setTimeout(() => r("did not listen in time"), options.timeoutMs ?? 60_000)
  );
  const first = await Promise.race([url.then((u) => ({ url: u })), ended, timeout]);
  clearTimeout(timer);
  if (typeof first === "string") {
    await kill("SIGKILL");
    throw new Error(`deno serve web/deploy.ts ${first}:\n${text}`);
  }
  return {
    url: first.url,
    log: () => text,
    kill,
    [Symbol.asyncDispose]: async () => {
      await kill("SIGKILL");
    },
  };
}

/**
 * GETs a JSON answer.
 *
 * @param url The URL.
 * @param init Headers.
 * @returns The status and body.
 */
export async function getJson(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  const body = await res.json() as Record<string, unknown>;
  return { status: res.status, body };
}
