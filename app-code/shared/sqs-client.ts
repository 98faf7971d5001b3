import { SQSClient, SQSClientConfig } from "@aws-sdk/client-sqs";
import { clientTimeouts, longPollRequestTimeoutMs } from "./sdk-timeouts";

/**
 * An SQS client configured only from the standard AWS environment (region, credentials, endpoint), with
 * connection and request timeouts (sdk-timeouts.ts). The default request timeout is above SQS's longest long
 * poll, so the client is safe for any receive; `config` overrides it (e.g. `clientTimeouts()` for a client that
 * never long-polls).
 *
 * The SDK already reads `AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL`, but unless the endpoint is also passed
 * explicitly it prefers the host inside each queue URL, which for local SQS servers (fauxqs, LocalStack) does not
 * resolve. Passing the same standard variable explicitly keeps one source of truth and works on both.
 */
export function createSqsClient(env: NodeJS.ProcessEnv = process.env, config: SQSClientConfig = {}): SQSClient {
  const endpoint = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL;
  return new SQSClient({ ...(endpoint ? { endpoint } : {}), ...clientTimeouts(longPollRequestTimeoutMs()), ...config });
}
