/**
 * How pages reach the HTTP API: the same paths and answers on both sides. On the server the
 * calls go to the API's own handlers in-process (with the caller's credentials); in the browser
 * they are `fetch` calls to the same paths.
 *
 * @module
 */

/** Calls the HTTP API. */
export interface Api {
  /**
   * Reads a JSON answer.
   *
   * @param path Path and query, e.g. `/api/workflows?status=RUNNING`.
   * @returns The body.
   * @throws {ApiFailure} For a non-2xx answer.
   */
  get<T>(path: string): Promise<T>;
  /**
   * Sends JSON and reads the JSON answer.
   *
   * @param path Path.
   * @param body The body.
   * @returns The answer's body.
   * @throws {ApiFailure} For a non-2xx answer.
   */
  post<T>(path: string, body: unknown): Promise<T>;
  /**
   * Sends JSON and reads an NDJSON answer as it streams in, one object a line.
   *
   * @param path Path and query.
   * @param body The body.
   * @param onLine Receives each line's object, in order.
   * @param signal Stops reading (and closes the connection) when it aborts.
   * @returns When the answer has ended.
   * @throws {ApiFailure} For a non-2xx answer.
   */
  postLines(
    path: string,
    body: unknown,
    onLine: (line: unknown) => void,
    signal?: AbortSignal,
  ): Promise<void>;
}

/**
 * Reads an NDJSON answer line by line as it arrives (a non-2xx answer is read as an error).
 *
 * @param res The response.
 * @param onLine Receives each line's object.
 * @param signal Stops reading when it aborts.
 * @throws {ApiFailure} For a non-2xx answer.
 */
export async function readLines(
  res: Response,
  onLine: (line: unknown) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (!res.ok || res.body === null) {
    await readAnswer(res);
    return;
  }
  const reader = res.body.getReader();
  const stop = () => reader.cancel().catch(() => {});
  signal?.addEventListener("abort", stop, { once: true });
  const decoder = new TextDecoder();
  let rest = "";
  try {
    while (!signal?.aborted) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = rest.indexOf("\n")) >= 0) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (line !== "") onLine(JSON.parse(line));
      }
    }
  } catch (e) {
    if (!signal?.aborted) throw e;
  } finally {
    signal?.removeEventListener("abort", stop);
  }
}

/** A non-2xx answer of the API: its status and its `{ code, message }` body. */
export class ApiFailure extends Error {
  /** HTTP status. */
  readonly status: number;
  /** The API's error code (`WORKFLOW_NOT_FOUND`, ...). */
  readonly code: string;

  /**
   * Makes the failure.
   *
   * @param status HTTP status.
   * @param code Error code.
   * @param message Message.
   */
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiFailure";
    this.status = status;
    this.code = code;
  }
}

/**
 * Reads a response as the API answers: JSON on success, an {@linkcode ApiFailure} otherwise.
 *
 * @param res The response.
 * @returns The body.
 * @throws {ApiFailure} For a non-2xx answer.
 */
export async function readAnswer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  if (!res.ok) {
    const b = (body ?? {}) as { code?: unknown; message?: unknown };
    throw new ApiFailure(
      res.status,
      typeof b.code === "string" ? b.code : `HTTP_${res.status}`,
      typeof b.message === "string" ? b.message : (text.slice(0, 200) || res.statusText),
    );
  }
  return body as T;
}

/**
 * Builds a query string from the given values, leaving out empty ones.
 *
 * @param values Names and values.
 * @returns `?a=1&b=2`, or `""` when nothing is left.
 */
export function query(values: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  }
  const s = p.toString();
  return s === "" ? "" : `?${s}`;
}
