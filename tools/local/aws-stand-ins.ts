/**
 * A local HTTP server standing in for the two endpoints the worker calls that cannot run here: the ECS agent's
 * task-protection endpoint (`$ECS_AGENT_URI/task-protection/v1/state`) and CloudWatch PutMetricData (JSON 1.0
 * protocol, via `AWS_ENDPOINT_URL_CLOUDWATCH`). It records what it receives, so tests and `npm run local` can
 * show protection switching and the metric batches.
 */
import { createServer, Server } from "node:http";
import { text } from "node:stream/consumers";
import { listenOnLoopback } from "./loopback-server";

export interface StandIns {
  /** `http://127.0.0.1:<port>`: use as ECS_AGENT_URI and AWS_ENDPOINT_URL_CLOUDWATCH. */
  url: string;
  /** ProtectionEnabled of every task-protection request, in order. */
  protection: boolean[];
  /** Parsed bodies of every PutMetricData request. */
  putMetricData: Array<{ Namespace: string; MetricData: Array<{ MetricName: string; Values?: number[]; Counts?: number[] }> }>;
  /** Samples (Σ Counts) across all PutMetricData requests. */
  metricSamples(): number;
  close(): Promise<void>;
}

export async function startStandIns(): Promise<StandIns> {
  const protection: boolean[] = [];
  const putMetricData: StandIns["putMetricData"] = [];
  const server: Server = createServer((req, res) => {
    void text(req).then((body) => {
      if (req.method === "PUT" && req.url === "/task-protection/v1/state") {
        const { ProtectionEnabled, ExpiresInMinutes } = JSON.parse(body) as { ProtectionEnabled: boolean; ExpiresInMinutes?: number };
        protection.push(ProtectionEnabled);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ protection: { ProtectionEnabled, ExpirationDate: null, TaskArn: "arn:local", ExpiresInMinutes } }));
      } else if (String(req.headers["x-amz-target"] ?? "").endsWith(".PutMetricData")) {
        putMetricData.push(JSON.parse(body));
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        res.end("{}");
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: `not a stand-in for ${req.method} ${req.url}` }));
      }
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    protection,
    putMetricData,
    metricSamples: () => putMetricData.flatMap((p) => p.MetricData.flatMap((d) => d.Counts ?? [])).reduce((a, b) => a + b, 0),
    close,
  };
}
