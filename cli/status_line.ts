/**
 * A live status line with a spinner at the bottom of a terminal (on stderr). Lines printed
 * meanwhile appear above it. When stderr is not a terminal it shows nothing.
 *
 * @module
 */

import type { Io } from "./io.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const CLEAR = "\r\x1b[2K";

/** See the module doc. */
export class StatusLine implements Disposable {
  readonly #io: Io;
  readonly #enabled: boolean;
  #text = "";
  #frame = 0;
  #shown = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param io Where to write.
   * @param enabled Show the line. @default whether stderr is a terminal
   */
  constructor(io: Io, enabled = io.errIsTerminal) {
    this.#io = io;
    this.#enabled = enabled;
  }

  /** Whether the line is shown. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /**
   * Starts redrawing the spinner.
   *
   * @param intervalMs Frame interval.
   */
  start(intervalMs = 100): void {
    if (!this.#enabled || this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.#frame = (this.#frame + 1) % FRAMES.length;
      this.#draw();
    }, intervalMs);
  }

  /**
   * Replaces the status text.
   *
   * @param text One line.
   */
  set(text: string): void {
    this.#text = text;
    this.#draw();
  }

  /**
   * Prints a line to stdout above the status line.
   *
   * @param line The line.
   */
  print(line: string): void {
    if (this.#shown) this.#io.writeErr(CLEAR);
    this.#shown = false;
    this.#io.out(line);
    this.#draw();
  }

  #draw(): void {
    if (!this.#enabled || this.#text === "") return;
    this.#io.writeErr(
      `${CLEAR}${this.#io.errStyle.cyan(FRAMES[this.#frame] as string)} ${this.#text}`,
    );
    this.#shown = true;
  }

  /** Stops and erases the line. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#shown) this.#io.writeErr(CLEAR);
    this.#shown = false;
  }

  /** Same as {@linkcode StatusLine.stop}. */
  [Symbol.dispose](): void {
    this.stop();
  }
}
