export { LEDGER_TOPIC, parseLetterId, REPLAY_OF, TRANSACTIONAL_ID } from "./dlq.js";
export { PROFILES, profileFrom } from "./sandbox.js";
