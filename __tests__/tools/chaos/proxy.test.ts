/** The fault proxy in front of a real HTTP server on loopback, through real sockets. */
import { createServer, request, Server } from "node:http";
import { AddressInfo, createConnection, Socket } from "node:net";
import { FaultProxy, startFaultProxy } from "../../../tools/chaos/proxy";

let server: Server;
let proxy: FaultProxy;

beforeAll(async () => {
  server = createServer((_req, res) => res.end("pong"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  proxy = await startFaultProxy((server.address() as AddressInfo).port);
});
afterAll(async () => {
  await proxy.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** One GET through the proxy on a fresh connection: the body, or the error code / "no answer" after `waitMs`. */
function get(waitMs = 300): Promise<string> {
  return new Promise((resolve) => {
    const req = request(proxy.url, { agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve(body));
    });
    req.setTimeout(waitMs, () => {
      resolve("no answer");
      req.destroy();
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

test("pass, refuse, hang, reset, and back to pass on the same port", async () => {
  expect(await get()).toBe("pong");
  await proxy.setMode("refuse");
  expect(await get()).toBe("ECONNREFUSED");
  await proxy.setMode("hang");
  expect(await get()).toBe("no answer");
  await proxy.setMode("reset");
  expect(await get()).toBe("ECONNRESET");
  await proxy.setMode("pass");
  expect(await get()).toBe("pong");
  expect(proxy.accepted).toEqual({ pass: 2, hang: 1, reset: 1 });
});

test("a connection open when the hang begins stays dead after it ends; new connections pass", async () => {
  const kept = await new Promise<Socket>((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port: proxy.port }, () => resolve(s));
  });
  const answer = (socket: Socket, waitMs: number) =>
    new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve("no answer"), waitMs);
      socket.once("data", (d) => {
        clearTimeout(timer);
        resolve(d.toString().includes("pong") ? "pong" : "other");
      });
      socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    });
  expect(await answer(kept, 1000)).toBe("pong");
  await proxy.setMode("hang");
  await proxy.setMode("pass");
  expect(await answer(kept, 300)).toBe("no answer");
  expect(await get()).toBe("pong");
  kept.destroy();
});
