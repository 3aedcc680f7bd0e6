/**
 * The Deno Deploy entry's work, apart from its top-level side effects (`web/deploy.ts`): it
 * opens the database, loads the workflow modules, takes the owner lease when it can
 * ({@linkcode Standby}), and serves the API and the dashboard. It opens on the first request or
 * cron tick, not at import (Deploy evaluates the entry's top level at deploy time, to find its
 * cron jobs). Each request answers loopback callers only while no token is set, and sets off a
 * tick when the last one is older than `tickIntervalMs`, then again every `tickIntervalMs` while
 * it is answered, so that a busy isolate makes progress (and takes a lapsed lease, carrying out
 * the requests that wait for an owner) without waiting for the minute's cron tick.
 *
 * @module
 */

import {
  connectKv,
  createEngine,
  defaultRegistry,
  type Engine,
  ErrorCode,
  loadModules,
  openKv,
} from "../../engine/mod.ts";
import { type App, createApp } from "../api/mod.ts";
import type { DeployConfig } from "./config.ts";
import { refuseRemote, type RemoteInfo } from "./loopback_guard.ts";
import { type Ownership, Standby } from "./standby.ts";

/** Options of {@linkcode DeployHandler} beside the settings. */
export interface DeployHandlerOptions {
  /** A database handle to use instead of opening `kvPath` (it is not closed; tests). */
  kv?: Deno.Kv;
  /** Where to log what happens in the background. @default console.error */
  log?: (line: string) => void;
}

/** What the handler holds once open. */
interface Opened {
  kv: Deno.Kv;
  ownership: Ownership;
  app: App;
}

/** Longest a cron tick waits for the work it set off to land, in ms (the next is due in 60 s). */
export const CRON_SETTLE_MS = 45_000;

/** See the module doc. */
export class DeployHandler implements AsyncDisposable {
  readonly #config: DeployConfig;
  readonly #options: DeployHandlerOptions;
  readonly #log: (line: string) => void;
  readonly #stopFeeds = new AbortController();
  #opening: Promise<Opened> | undefined;
  #lastTick = 0;
  #closed = false;

  /**
   * Creates the handler; it opens on first use.
   *
   * @param config The settings.
   * @param options A database handle, a log.
   */
  constructor(config: DeployConfig, options: DeployHandlerOptions = {}) {
    this.#config = config;
    this.#options = options;
    this.#log = options.log ?? ((line) => console.error(line));
  }

  /**
   * Answers a request (the `fetch` of `deno serve`'s default export).
   *
   * @param request The request.
   * @param info The connection (`remoteAddr`).
   * @returns The answer: 403 for a remote caller without a token, 503 while the database or the
   * modules cannot be opened.
   */
  async fetch(request: Request, info?: RemoteInfo): Promise<Response> {
    const refused = refuseRemote(request, info, this.#config.token);
    if (refused !== undefined) return refused;
    let opened: Opened;
    try {
      opened = await this.#open();
    } catch (e) {
      return Response.json({
        code: ErrorCode.StorageUnavailable,
        message: `Loom could not start: ${(e as Error).message}`,
      }, { status: 503 });
    }
    // Ticks while the request is answered too: a start or a signal that waits for an owner's
    // reply is carried out here once this isolate takes a lapsed lease.
    this.#maybeTick(opened);
    const ticker = setInterval(() => this.#maybeTick(opened), this.#config.tickIntervalMs);
    try {
      return await opened.app.fetch(request);
    } finally {
      clearInterval(ticker);
    }
  }

  #maybeTick(opened: Opened): void {
    if (Date.now() - this.#lastTick < this.#config.tickIntervalMs) return;
    this.#lastTick = Date.now();
    opened.ownership.tick();
  }

  /**
   * The cron tick: takes what has lapsed, makes progress once, and waits (up to
   * {@linkcode CRON_SETTLE_MS}) for the work it set off to land.
   *
   * @returns Resolves when done; failures are logged.
   */
  async cronTick(): Promise<void> {
    try {
      const opened = await this.#open();
      this.#lastTick = Date.now();
      await opened.ownership.tick();
      await opened.ownership.settle(CRON_SETTLE_MS);
    } catch (e) {
      this.#log(`loom: cron tick: ${(e as Error).message}`);
    }
  }

  /**
   * What this isolate holds now (opening the handler first, if it has not yet).
   *
   * @returns The role and the partitions held.
   */
  async status(): Promise<{ role: "owner" | "reader"; partitions: number[] }> {
    const opened = await this.#open();
    return { role: opened.ownership.backend.role, partitions: opened.ownership.partitions() };
  }

  #open(): Promise<Opened> {
    if (this.#closed) return Promise.reject(new Error("the server is stopping"));
    this.#opening ??= this.#doOpen().catch((e) => {
      this.#opening = undefined;
      this.#log(`loom: could not start: ${(e as Error).message}`);
      throw e;
    });
    return this.#opening;
  }

  async #doOpen(): Promise<Opened> {
    const config = this.#config;
    const given = this.#options.kv;
    const kv = given ?? await openKv(config.kvPath);
    try {
      await loadModules(config.modules);
      const name = config.kvPath ?? "the default database (Deno.openKv())";
      const client = await connectKv({ kv, kvPath: name });
      const ownership = new Standby({
        client,
        registry: defaultRegistry,
        pollIntervalMs: config.pollIntervalMs,
        openEngine: () => this.#openEngine(kv),
        onError: (e) => this.#log(`loom: ${e.message}`),
        onRole: (role) =>
          this.#log(
            role === "owner"
              ? `loom: this isolate owns ${name} now (pid ${Deno.pid})`
              : `loom: this isolate lost the lease of ${name}: it reads and forwards now`,
          ),
      });
      await ownership.tick();
      const app = createApp(ownership.backend, {
        signal: this.#stopFeeds.signal,
        ...(config.token === undefined ? {} : { token: config.token }),
      });
      return { kv, ownership, app };
    } catch (e) {
      if (given === undefined) kv.close();
      throw e;
    }
  }

  #openEngine(kv: Deno.Kv): Promise<Engine> {
    const config = this.#config;
    return createEngine({
      kv,
      ...(config.kvPath === undefined ? {} : { kvPath: config.kvPath }),
      workers: 0,
      modules: config.modules,
      pollIntervalMs: config.pollIntervalMs,
      leaseTtlMs: config.leaseTtlMs,
      leaseRenewMs: config.leaseRenewMs,
      shutdownGraceMs: config.shutdownGraceMs,
      onError: (e) => this.#log(`loom: ${e.message}`),
    });
  }

  /**
   * Stops: live feeds end, an owner closes its engine (giving the lease up at once), and the
   * database handle is closed (unless it was given).
   *
   * @returns Resolves once stopped.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopFeeds.abort();
    const opened = await this.#opening?.catch(() => undefined);
    if (opened === undefined) return;
    await opened.ownership.close();
    if (this.#options.kv === undefined) opened.kv.close();
  }

  /** Same as {@linkcode DeployHandler.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
