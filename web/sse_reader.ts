/**
 * Reads a Server-Sent Events stream (what `EventSource` does, for code that is not a browser):
 * messages with their `event`, `data` and `id` fields; comments are skipped.
 *
 * @module
 */

/** One message of an SSE stream. */
export interface SseMessage {
  /** The `event:` field; `"message"` when absent. */
  event: string;
  /** The `data:` lines, joined with newlines. */
  data: string;
  /** The `id:` field, when the message has one. */
  id?: string;
}

/**
 * Parses an SSE byte stream into messages.
 *
 * @param body The response body.
 * @param signal Stops reading (the stream is cancelled and the messages end).
 * @returns The messages, in order, until the stream ends.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<SseMessage> {
  // Typed as a plain transform: with the DOM library in the program (the dashboard's Preact
  // types bring it), TextDecoderStream's writable side is typed wider than Uint8Array.
  const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
  const reader = body.pipeThrough(decoder).getReader();
  const cancel = () => reader.cancel(signal?.reason).catch(() => {});
  if (signal?.aborted) await cancel();
  signal?.addEventListener("abort", cancel, { once: true });
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      let nl: number;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
        if (line === "") {
          if (data.length > 0) {
            const message: SseMessage = { event: event || "message", data: data.join("\n") };
            if (id !== undefined) message.id = id;
            yield message;
          }
          event = "";
          data = [];
          id = undefined;
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let v = colon < 0 ? "" : line.slice(colon + 1);
        if (v.startsWith(" ")) v = v.slice(1);
        if (field === "event") event = v;
        else if (field === "data") data.push(v);
        else if (field === "id") id = v;
      }
    }
  } finally {
    signal?.removeEventListener("abort", cancel);
    await reader.cancel().catch(() => {});
  }
}
