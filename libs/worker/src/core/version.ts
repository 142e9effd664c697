/**
 * The SDK version sent to the manager in the `x-chaconne-sdk` header and at registration.
 * Kept in step with `libs/worker/package.json` (a spec asserts they match).
 */
export const SDK_VERSION = '0.1.0';
