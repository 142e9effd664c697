/** Requests whose timestamp is further than this from the receiver's clock are refused. */
export const SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

/** Shortest shared secret the manager and the SDK accept. */
export const MIN_SECRET_LENGTH = 32;
