/**
 * A tiny static file server over loopback, for tests that import Loom by URL: it serves a folder
 * (the repository) on 127.0.0.1 on a free port, with the content types Deno reads module types
 * from (`.ts` is TypeScript, `.js` JavaScript).
 *
 * @module
 */

import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".tsx": "text/tsx; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** The repository's root folder. */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** A running file server. */
export interface FileServer extends AsyncDisposable {
  /** Its base URL, ending with `/` (`http://127.0.0.1:PORT/<uuid>/`); paths are under it. */
  url: string;
  /** Paths requested so far. */
  requests: string[];
}

/**
 * Serves a folder over loopback HTTP until disposed.
 *
 * @param root The folder. @default the repository
 * @returns The server.
 */
export function serveFiles(root: string = REPO_ROOT): FileServer {
  const requests: string[] = [];
  // A fresh first segment per server: Deno caches remote modules by URL, and a port used by an
  // earlier run (of this checkout or another) would otherwise hand out what that run served.
  const base = `/${crypto.randomUUID()}`;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const full = decodeURIComponent(new URL(req.url).pathname);
    if (!full.startsWith(`${base}/`)) return new Response("not found", { status: 404 });
    const path = full.slice(base.length);
    requests.push(path);
    const file = normalize(join(root, path));
    if (!file.startsWith(normalize(root))) return new Response("forbidden", { status: 403 });
    try {
      const body = await Deno.readFile(file);
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}${base}/`,
    requests,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
