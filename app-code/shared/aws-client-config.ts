/**
 * Client options for the AWS SDK v3 clients of the Lambdas and containers that call throttled APIs (RunTask,
 * DynamoDB): the project's timeouts (sdk-timeouts.ts: the SDK's defaults wait forever on a stuck connection) plus the
 * SDK's own retry with exponential backoff and jitter. `adaptive` mode also slows the client down after throttling
 * errors (client-side rate limiting), which is what RunTask (20 calls/s per account and Region) and DynamoDB's
 * throttles need.
 *
 * Region, credentials and endpoints stay with the SDK's standard environment variables (AWS_REGION,
 * AWS_ENDPOINT_URL_<SERVICE>), so the same code runs against local servers.
 */
import { ClientTimeouts, clientTimeouts, DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from "./sdk-timeouts";

export { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS };

export interface ResilienceOptions {
  /** Time to open a TCP/TLS connection, ms. Default DEFAULT_CONNECTION_TIMEOUT_MS (3,000). */
  connectionTimeoutMs?: number;
  /** Time for one request and its response, ms. Default DEFAULT_REQUEST_TIMEOUT_MS (10,000). */
  requestTimeoutMs?: number;
  /** Attempts per call, the first included. Default 5. */
  maxAttempts?: number;
}

export interface ResilientClientConfig extends ClientTimeouts {
  maxAttempts: number;
  retryMode: "adaptive";
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/** Spread into any SDK v3 client's constructor: `new ECSClient({ ...resilientClientConfig() })`. */
export function resilientClientConfig(options: ResilienceOptions = {}): ResilientClientConfig {
  return {
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: "adaptive",
    ...clientTimeouts(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS),
  };
}
