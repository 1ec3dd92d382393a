/** A delivery's record lapses this long after its last change: a week, far past the day of retries. */
export const WEBHOOK_RECORD_TTL_MS = 7 * 24 * 3_600_000;
/** The newest deliveries kept in an endpoint's log. */
export const WEBHOOK_LOG_MAX = 10_000;
