/**
 * Connection and request timeouts for every AWS SDK v3 client of the project, as the SDK's own NodeHttpHandler
 * options (passed as `requestHandler`, which the client turns into its NodeHttpHandler). The SDK's defaults are 0
 * (no timeout): a request whose connection is accepted but never answered waits for ever, and a worker awaiting it
 * stalls for good (issue 14). With a timeout the attempt fails with a TimeoutError and the SDK's retry strategy and
 * the caller's own backoff take over.
 */

/** Ordinary calls (send, delete, put metric, describe policy): answered in milliseconds when the service is well. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** TCP connect to a regional endpoint or a VPC endpoint: milliseconds when it works. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;
/** SQS's longest long poll (ReceiveMessage WaitTimeSeconds). */
export const MAX_LONG_POLL_SECONDS = 20;
/** Added to a long-poll wait for the request timeout: the answer comes at the end of the wait. */
export const LONG_POLL_MARGIN_SECONDS = 10;

export interface ClientTimeouts {
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    /** Without it, this SDK version only logs a warning when requestTimeout passes. */
    throwOnRequestTimeout: true;
    /** Inactivity bound, also while the body streams in (requestTimeout ends when the headers arrive). */
    socketTimeout: number;
  };
}

/** Client options with both timeouts; spread into any client's configuration. */
export function clientTimeouts(requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, connectionTimeoutMs = DEFAULT_CONNECTION_TIMEOUT_MS): ClientTimeouts {
  return {
    requestHandler: {
      connectionTimeout: connectionTimeoutMs,
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: requestTimeoutMs,
    },
  };
}

/** The request timeout an SQS client that long-polls for `waitSeconds` needs: above the wait. */
export function longPollRequestTimeoutMs(waitSeconds = MAX_LONG_POLL_SECONDS): number {
  return (waitSeconds + LONG_POLL_MARGIN_SECONDS) * 1000;
}
