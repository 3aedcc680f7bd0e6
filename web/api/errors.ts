/**
 * Errors of the HTTP layer: its own codes (auth, routing, bodies), the one mapping from every
 * error code to an HTTP status, and the handler that turns anything thrown into `{ code,
 * message }`.
 *
 * @module
 */

import { ErrorCode, LoomError } from "../../engine/mod.ts";
import { type Context, type Env, type Hook, HTTPException } from "../_deps.ts";

/** Codes of conditions the HTTP layer itself detects. */
export const HttpErrorCode = {
  Unauthorized: "UNAUTHORIZED",
  Forbidden: "FORBIDDEN",
  RouteNotFound: "ROUTE_NOT_FOUND",
  MethodNotAllowed: "METHOD_NOT_ALLOWED",
  BodyTooLarge: "BODY_TOO_LARGE",
  MalformedBody: "MALFORMED_BODY",
  UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
  InvalidRequest: "INVALID_REQUEST",
  InvalidCursor: "INVALID_CURSOR",
  TaskNotFound: "TASK_NOT_FOUND",
  EventNotFound: "EVENT_NOT_FOUND",
} as const;

/** A value of {@linkcode HttpErrorCode}. */
export type HttpErrorCode = typeof HttpErrorCode[keyof typeof HttpErrorCode];

const STATUS: Record<string, number> = {
  [ErrorCode.WorkflowNotFound]: 404,
  [ErrorCode.DefinitionNotFound]: 404,
  [ErrorCode.ScheduleNotFound]: 404,
  [ErrorCode.ScheduleAlreadyExists]: 409,
  [ErrorCode.WorkflowAlreadyExists]: 409,
  [ErrorCode.WorkflowNotRunning]: 409,
  [ErrorCode.WorkflowStillRunning]: 409,
  [ErrorCode.WorkflowCancelled]: 409,
  [ErrorCode.WorkflowExecution]: 409,
  [ErrorCode.ActivityFailed]: 409,
  [ErrorCode.InvalidPayload]: 400,
  [ErrorCode.InvalidArgument]: 400,
  [ErrorCode.HookNotFound]: 404,
  [ErrorCode.HookExpired]: 410,
  [ErrorCode.EngineClosed]: 503,
  [ErrorCode.OwnerLease]: 503,
  [ErrorCode.LeaseLost]: 503,
  [ErrorCode.Storage]: 503,
  [ErrorCode.StorageUnavailable]: 503,
  // The run's data is damaged: not the caller's fault, and not transient.
  [ErrorCode.StoredDataUnreadable]: 500,
  [HttpErrorCode.Unauthorized]: 401,
  [HttpErrorCode.Forbidden]: 403,
  [HttpErrorCode.RouteNotFound]: 404,
  [HttpErrorCode.MethodNotAllowed]: 405,
  [HttpErrorCode.BodyTooLarge]: 413,
  [HttpErrorCode.MalformedBody]: 400,
  [HttpErrorCode.UnsupportedMediaType]: 415,
  [HttpErrorCode.InvalidRequest]: 400,
  [HttpErrorCode.InvalidCursor]: 400,
  [HttpErrorCode.TaskNotFound]: 404,
  [HttpErrorCode.EventNotFound]: 404,
};

/**
 * The HTTP status of an error code: 4xx for what the caller can fix, 503 when the engine or
 * store is unavailable, 500 for the rest (`NON_DETERMINISTIC`, `SCHEMA_VERSION`, `INTERNAL`).
 *
 * @param code An engine or HTTP error code.
 * @returns The status.
 */
export function statusOf(code: string): number {
  return STATUS[code] ?? 500;
}

/** An error of the HTTP layer, with its code. */
export class ApiError extends Error {
  /** The condition's code. */
  readonly code: HttpErrorCode;

  /**
   * Makes the error.
   *
   * @param code The condition.
   * @param message A sentence naming the problem.
   */
  constructor(code: HttpErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = "ApiError";
  }
}

/** The JSON body of an error answer. */
export interface ErrorBody {
  /** Error code. */
  code: string;
  /** What went wrong. */
  message: string;
  /** Class of an engine error, so that clients can rebuild it. */
  name?: string;
  /** Extra fields of an engine error (`status`, `reason`, ...). */
  details?: Record<string, string>;
}

const DETAIL_FIELDS = [
  "activityName",
  "errorMessage",
  "reason",
  "signalName",
  "scheduleId",
  "field",
  "status",
  "retryAfterMs",
  "part",
  "problem",
];

/**
 * Turns anything thrown into the status and body of an error answer.
 *
 * @param error What was thrown.
 * @returns Status and body.
 */
export function errorAnswer(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ApiError) {
    return { status: statusOf(error.code), body: { code: error.code, message: error.message } };
  }
  if (error instanceof LoomError) {
    const body: ErrorBody = { code: error.code, message: error.message, name: error.name };
    const details: Record<string, string> = {};
    for (const f of DETAIL_FIELDS) {
      const v = (error as unknown as Record<string, unknown>)[f];
      if (typeof v === "string") details[f] = v;
    }
    if (Object.keys(details).length > 0) body.details = details;
    return { status: statusOf(error.code), body };
  }
  if (error instanceof HTTPException) {
    const code = error.status === 413
      ? HttpErrorCode.BodyTooLarge
      : error.status === 415
      ? HttpErrorCode.UnsupportedMediaType
      : /malformed/i.test(error.message)
      ? HttpErrorCode.MalformedBody
      : error.status === 401
      ? HttpErrorCode.Unauthorized
      : HttpErrorCode.InvalidRequest;
    const message = code === HttpErrorCode.MalformedBody
      ? "Malformed JSON in request body"
      : code === HttpErrorCode.UnsupportedMediaType
      ? "Unsupported media type: send the body as application/json"
      : error.message || "Invalid request";
    return { status: statusOf(code), body: { code, message } };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    status: 500,
    body: { code: ErrorCode.Internal, message: `Internal error: ${e.message}` },
  };
}

/**
 * The app's error handler: every error becomes `{ code, message }` with its status.
 *
 * @param error What a handler threw.
 * @param c The request context.
 * @returns The error answer.
 */
export function onError(error: unknown, c: Context): Response {
  const { status, body } = errorAnswer(error);
  const retry = Number(body.details?.retryAfterMs);
  if (status === 503 && Number.isFinite(retry)) {
    // The store does not take writes for now: nothing was applied; try again then.
    c.header("retry-after", String(Math.max(1, Math.ceil(retry / 1000))));
  }
  return c.json(body, status as 400);
}

/**
 * The app's answer to an unknown path.
 *
 * @param c The request context.
 * @returns A 404 `ROUTE_NOT_FOUND` answer.
 */
export function notFound(c: Context): Response {
  return c.json({
    code: HttpErrorCode.RouteNotFound,
    message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}`,
  }, 404);
}

const TARGETS: Record<string, string> = {
  json: "body",
  query: "query parameter",
  param: "path parameter",
  header: "header",
  cookie: "cookie",
};

/**
 * What validation failures answer: 400 `INVALID_REQUEST` naming the field and the problem.
 *
 * @param result The validator's result.
 * @param c The request context.
 * @returns The error answer, or nothing when the input is valid.
 */
export const validationHook: Hook<unknown, Env, string, Response | undefined> = (result, c) => {
  if (result.success) return;
  const where = TARGETS[result.target] ?? result.target;
  const issues = result.error.issues.map((i) => {
    const path = i.path.map(String).join(".");
    if (result.target === "json" && path === "") return `request body: ${i.message}`;
    return `${where} "${path}": ${i.message}`;
  });
  return c.json({
    code: HttpErrorCode.InvalidRequest,
    message: `Invalid ${issues.join("; ")}`,
  }, 400);
};
