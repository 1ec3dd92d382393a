/** A payment's status change as the dashboard shows it live: no amounts, no personal data. */
export interface PaymentNews {
  readonly kind: "payment";
  readonly paymentId: string;
  readonly status: string;
  readonly previousStatus: string | null;
  readonly final: boolean;
  readonly method: string;
  readonly provider: string;
  readonly source: string;
  readonly at: string;
}

/** A dead letter as the dashboard lists it. Its id is `<dead-letter topic>/<partition>/<offset>`, as `riel dlq show` takes it. */
export interface DeadLetterNews {
  readonly kind: "dead-letter";
  readonly id: string;
  readonly sourceTopic: string;
  readonly group: string;
  readonly reason: string;
  readonly failedAt: string;
  readonly key: string;
  readonly attempts: string;
}

export type FeedNews = PaymentNews | DeadLetterNews;

/** How many dead letters the dashboard keeps to show (the newest). */
export const RECENT_DEAD_LETTERS = 200;

/**
 * Fans this ingress instance's news out to the dashboard's open pages (Server-Sent Events). Each
 * instance reads the public events topic itself (a group of its own, from the latest record), so
 * a page sees every payment whichever instance serves it.
 */
export class LiveFeed {
  readonly #listeners = new Set<(news: FeedNews) => void>();
  readonly #deadLetters: DeadLetterNews[] = [];
  readonly #closers = new Set<() => void>();
  #closed = false;

  publish(news: FeedNews): void {
    if (news.kind === "dead-letter") {
      if (this.#deadLetters.some((d) => d.id === news.id)) return;
      this.#deadLetters.push(news);
      if (this.#deadLetters.length > RECENT_DEAD_LETTERS) this.#deadLetters.shift();
    }
    for (const listener of this.#listeners) listener(news);
  }

  /** The newest dead letters first. */
  deadLetters(): readonly DeadLetterNews[] {
    return [...this.#deadLetters].reverse();
  }

  /** Calls `listener` with each piece of news until the returned function is called or the feed closes (then `closed` is called). */
  listen(listener: (news: FeedNews) => void, closed: () => void): () => void {
    if (this.#closed) {
      closed();
      return () => {};
    }
    this.#listeners.add(listener);
    this.#closers.add(closed);
    return () => {
      this.#listeners.delete(listener);
      this.#closers.delete(closed);
    };
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** Ends every open stream, so the server can stop. */
  close(): void {
    this.#closed = true;
    for (const closed of [...this.#closers]) closed();
    this.#listeners.clear();
    this.#closers.clear();
  }
}
