/**
 * A loopback HTTP server in front of fauxqs that fails SendMessageBatch calls as scripted, then passes everything
 * through: `error` answers HTTP 500 InternalError (the call throws), `failed-entry` answers 200 with the entry in
 * `Failed` (the call succeeds, the message is not sent), `lost-reply` passes the call on but answers 500 (the
 * message was sent, the sender cannot know). For testing how the producer service survives SQS errors.
 */
import { createServer, request, Server } from "node:http";
import { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";

export type Failure = "error" | "failed-entry" | "lost-reply";

export interface FlakySqs {
  endpoint: string;
  /** SendMessageBatch calls seen, failed ones included. */
  sendCalls: number;
  close(): Promise<void>;
}

export async function startFlakySqs(upstream: string, script: Failure[]): Promise<FlakySqs> {
  const target = new URL(upstream);
  const state = { sendCalls: 0 };
  const server: Server = createServer((req, res) => {
    void buffer(req).then((body) => {
      const isSend = String(req.headers["x-amz-target"] ?? "").endsWith(".SendMessageBatch");
      if (isSend) state.sendCalls++;
      const failure = isSend ? script.shift() : undefined;
      const internalError = () => {
        res.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ __type: "com.amazonaws.sqs#InternalError", message: "scripted failure" }));
      };
      if (failure === "error") return internalError();
      if (failure === "failed-entry") {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ Successful: [], Failed: [{ Id: "0", Code: "InternalError", Message: "scripted entry failure", SenderFault: false }] }));
        return;
      }
      const forward = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (upstreamRes) => {
          if (failure === "lost-reply") {
            upstreamRes.resume();
            upstreamRes.on("end", internalError);
            return;
          }
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      forward.on("error", () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get sendCalls() {
      return state.sendCalls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
