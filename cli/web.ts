/**
 * `loom web`: the HTTP API (and later the dashboard) served from a process that does not own
 * the KV file. This build has no HTTP API (`web/`), so {@linkcode runWeb} says so and fails.
 *
 * @module
 */

/** Options of {@linkcode runWeb}: the flags of `loom web`. */
export interface WebCommandOptions {
  /** KV file to read (its owner carries out changes). */
  kvPath: string;
  /** Workflow modules (for definitions and graphs). */
  modules: string[];
  /** Address to bind. */
  host: string;
  /** Port to bind (`0`: any free port). */
  port: number;
  /** Bearer token that requests must carry. */
  token?: string;
  /** How often the live feed polls the KV file, in ms. */
  pollIntervalMs: number;
  /** Largest request body, in bytes. */
  maxBody: number;
  /** Where to print. */
  print?: (line: string) => void;
  /** Stops the server. */
  signal?: AbortSignal;
}

/**
 * Serves the HTTP API next to the owner of the KV file.
 *
 * @param options The flags.
 * @returns Exit code: 1, since this build has no HTTP API.
 */
export function runWeb(options: WebCommandOptions): Promise<number> {
  const print = options.print ?? ((line: string) => console.error(line));
  print(
    `Error: Cannot serve http://${options.host}:${options.port}: this build has no HTTP API (web/)`,
  );
  return Promise.resolve(1);
}
