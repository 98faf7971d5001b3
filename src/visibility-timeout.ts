/**
 * The queue's visibility timeout, as a pure function: the stack sets it on the queue and the simulator models the
 * same queue, so both import it from here (a construct file would load the provider classes into the simulator).
 */

/** SQS's upper limit of a visibility timeout (12 hours). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43200;

/**
 * Visibility timeout for consumers that may hold a message `maxProcessingSeconds`: 1.5 × that plus 30 s for
 * receive, delete and a slow network, within SQS's 12-hour limit. (The blueprint keeps the 30 s default, so a
 * message that takes longer is handed to a second worker while the first still works on it.)
 */
export function visibilityTimeoutFor(maxProcessingSeconds: number): number {
  return Math.min(MAX_VISIBILITY_TIMEOUT_SECONDS, Math.ceil(maxProcessingSeconds * 1.5) + 30);
}
