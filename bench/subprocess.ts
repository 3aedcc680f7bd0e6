/**
 * A bench subprocess (`deno run` of a bench script) that reports on stdout, one JSON object a
 * line; the bench waits for the messages it needs and may SIGKILL it.
 *
 * @module
 */

import { CONFIG_PATH } from "./env.ts";

/** A message of a child: a JSON object with an `event` name. */
export type ChildMessage = { event: string } & Record<string, unknown>;

/** A running bench subprocess. */
export class Child implements AsyncDisposable {
  readonly #process: Deno.ChildProcess;
  readonly #messages: ChildMessage[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #stderr: string[] = [];
  readonly #status: Promise<Deno.CommandStatus>;
  #exited = false;
  /** `performance.now()` when it was spawned. */
  readonly spawnedAt: number;
  /** `Date.now()` when it was spawned. */
  readonly spawnedAtEpoch: number;

  /**
   * Spawns `deno run -A` of a script with the project's config.
   *
   * @param script The script.
   * @param args Its arguments.
   */
  /** Its process id. */
  get pid(): number {
    return this.#process.pid;
  }

  constructor(script: URL, args: string[]) {
    this.spawnedAt = performance.now();
    this.spawnedAtEpoch = Date.now();
    this.#process = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", CONFIG_PATH, script.pathname, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reading = Promise.all([this.#readStdout(), this.#readStderr()]);
    this.#status = reading.then(() => this.#process.status).finally(() => {
      this.#exited = true;
      this.#wake();
    });
  }

  async #readStdout(): Promise<void> {
    let rest = "";
    for await (const chunk of this.#process.stdout.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      const lines = rest.split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) this.#take(line);
    }
    if (rest !== "") this.#take(rest);
  }

  #take(line: string): void {
    if (line.trim() === "") return;
    try {
      const message = JSON.parse(line) as ChildMessage;
      if (typeof message === "object" && message !== null && typeof message.event === "string") {
        this.#messages.push(message);
        this.#wake();
        return;
      }
    } catch {
      // not a message: keep it with stderr for error reports
    }
    this.#stderr.push(line);
  }

  async #readStderr(): Promise<void> {
    for await (const chunk of this.#process.stderr.pipeThrough(new TextDecoderStream())) {
      this.#stderr.push(chunk);
      while (this.#stderr.length > 200) this.#stderr.shift();
    }
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Whether it has exited (and its output was read). */
  get exited(): boolean {
    return this.#exited;
  }

  /**
   * Whether a message was received.
   *
   * @param event The message's name.
   * @returns `true` when it was.
   */
  received(event: string): boolean {
    return this.#messages.some((m) => m.event === event);
  }

  /**
   * The messages of a name received so far.
   *
   * @param event The message's name.
   * @returns Them, in order.
   */
  messages(event: string): ChildMessage[] {
    return this.#messages.filter((m) => m.event === event);
  }

  /**
   * The `count` of the last message of a name (0 before the first).
   *
   * @param event The message's name.
   * @returns The count.
   */
  lastCount(event: string): number {
    const all = this.messages(event);
    return Number(all[all.length - 1]?.count ?? 0);
  }

  /** The last lines it wrote that were not messages (stderr, mostly). */
  get output(): string {
    return this.#stderr.join("").slice(-2000).trim();
  }

  /**
   * Waits for the first message that satisfies `match`.
   *
   * @param match Which message.
   * @param timeoutMs Time limit.
   * @param what Description for errors.
   * @returns The message and `performance.now()` when it was read.
   * @throws {Error} When the child exits or the time runs out first.
   */
  waitFor(
    match: (m: ChildMessage) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<{ message: ChildMessage; at: number }> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const message = this.#messages.find(match);
        if (message !== undefined) {
          finish();
          resolve({ message, at: performance.now() });
        } else if (this.#exited) {
          finish();
          reject(new Error(`The subprocess exited before ${what}: ${this.output || "no output"}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}: ${this.output}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /**
   * Sends a signal.
   *
   * @param signal The signal.
   */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    if (!this.#exited) this.#process.kill(signal);
  }

  /** Resolves when it has exited. */
  get status(): Promise<Deno.CommandStatus> {
    return this.#status;
  }

  /** Kills it if it still runs, and waits for it. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.kill("SIGKILL");
    } catch {
      // already gone
    }
    await this.#status.catch(() => {});
  }
}

/**
 * Writes a message for the parent (a child's side of {@linkcode Child}).
 *
 * @param event Its name.
 * @param data Its fields.
 */
export function report(event: string, data: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...data }));
}
