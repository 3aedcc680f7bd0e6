/**
 * The API as the server render calls it: the same Hono app's own handlers, in-process
 * (`app.request()`), with the credentials of the request being rendered, so a page shows
 * exactly what the API would answer that caller (its schemas, its auth, its errors).
 *
 * @module
 */

import { type Api, readAnswer, readLines } from "../components/mod.ts";

/** What the caller needs of the app: Hono's `request()`. */
export interface RequestHandler {
  /** Answers a request (Hono's `app.request`). */
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

/**
 * Makes the in-process API for one incoming request.
 *
 * @param app The app whose handlers answer.
 * @param incoming The request being rendered (its `Authorization`, cookie or `?token=` are
 *   forwarded).
 * @returns The API.
 */
export function inProcessApi(app: RequestHandler, incoming: Request): Api {
  const headers: Record<string, string> = {};
  const auth = incoming.headers.get("authorization");
  const cookie = incoming.headers.get("cookie");
  const token = new URL(incoming.url).searchParams.get("token");
  if (auth !== null) headers.authorization = auth;
  else if (token !== null && token !== "") headers.authorization = `Bearer ${token}`;
  if (cookie !== null) headers.cookie = cookie;
  return {
    async get<T>(path: string): Promise<T> {
      return await readAnswer<T>(await app.request(path, { headers }));
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      return await readAnswer<T>(
        await app.request(path, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    },
    async postLines(path, body, onLine, signal) {
      const res = await app.request(path, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      await readLines(res, onLine, signal);
    },
  };
}
