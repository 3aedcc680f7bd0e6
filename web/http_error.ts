/**
 * The error of an HTTP call that is not an engine error (auth, routing, limits, connection).
 *
 * @module
 */

/** An HTTP error that is not an engine error (auth, routing, limits, connection). */
export class HttpError extends Error {
  /** HTTP status (0 when the server could not be reached). */
  readonly status: number;
  /** Error code (`UNAUTHORIZED`, `BODY_TOO_LARGE`, `CONNECTION_FAILED`, ...). */
  readonly code: string;

  /**
   * Makes the error.
   *
   * @param status HTTP status.
   * @param code Error code.
   * @param message What went wrong.
   */
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
  }
}
