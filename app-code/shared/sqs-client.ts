import { SQSClient, SQSClientConfig } from "@aws-sdk/client-sqs";

/**
 * An SQS client configured only from the standard AWS environment (region, credentials, endpoint).
 *
 * The SDK already reads `AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL`, but unless the endpoint is also passed
 * explicitly it prefers the host inside each queue URL, which for local SQS servers (fauxqs, LocalStack) does not
 * resolve. Passing the same standard variable explicitly keeps one source of truth and works on both.
 */
export function createSqsClient(env: NodeJS.ProcessEnv = process.env, config: SQSClientConfig = {}): SQSClient {
  const endpoint = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL;
  return new SQSClient({ ...(endpoint ? { endpoint } : {}), ...config });
}
