/** The largest answer Riel reads from a provider: its documented answers are a few KB. */
export const PROVIDER_ANSWER_LIMIT = 1024 * 1024;

/** A response body as the HTTP client gives it: chunks, and a way to stop the transfer. */
export interface AnswerBody extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}

/**
 * A provider's answer as text, or null when it is longer than `limit` bytes: the transfer is then
 * stopped, so a broken or hostile provider streaming without end costs at most `limit` of memory.
 * The caller treats null as a fault of the provider (ProviderUnavailable), and the command is
 * retried like any other.
 */
export async function readAnswer(body: AnswerBody, limit = PROVIDER_ANSWER_LIMIT): Promise<string | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}
