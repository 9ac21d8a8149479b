// The dev SurrealDB server: HTTP (/health, /version, /status) and the WebSocket RPC endpoint
// (/rpc) around one engine. startServer() is the only entry point; server.mjs parses flags.

import http from 'node:http';
import { decode } from '@surrealdb/cbor';
import { WebSocketServer } from 'ws';
import { openEngine } from './engine.mjs';
import { LiveRouter, RpcConnection } from './rpc.mjs';
import { map, text } from './frames.mjs';

/** Largest WebSocket message accepted; larger ones close the connection with code 1009. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const USERNAME = /^[A-Za-z0-9_]+$/;

/**
 * Starts the server and resolves once it listens. Options: host, port (0 picks a free port),
 * storage ("memory" or a path, see engine.mjs), user and pass (the root user defined at start-up),
 * log (one line per call, for errors). Resolves to { host, port, storage, version, close() };
 * close() stops accepting, closes every socket and frees the engine.
 */
export async function startServer({ host = '127.0.0.1', port = 8000, storage = 'memory', user = 'root', pass = 'root', log = () => {} }) {
  if (!USERNAME.test(user)) throw new Error(`--user must match ${USERNAME}, got '${user}'`);
  const { engine, version } = await openEngine(storage);
  await defineRoot(engine, user, pass);

  const router = new LiveRouter(log);
  const notifications = await engine.notifications();
  const pump = (async () => {
    for (;;) {
      const raw = await notifications.recv();
      if (raw === null) return;
      router.route(Buffer.from(raw));
    }
  })().catch((err) => log(`notification stream failed: ${err?.message ?? err}`));

  // Plain HTTP answers, shared by ordinary requests and by requests that carry an Upgrade header
  // other than websocket (Java's HttpClient offers h2c on every request; such requests reach the
  // 'upgrade' event in Node and are answered as HTTP/1.1 there).
  const answer = (method, url) => {
    const path = new URL(url, 'http://localhost').pathname;
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' }, body: '' };
    if (path === '/health' || path === '/status') return { status: 200, headers: {}, body: '' };
    if (path === '/version') return { status: 200, headers: { 'content-type': 'text/plain' }, body: `surrealdb-${version}` };
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found\n' };
  };
  const httpServer = http.createServer((req, res) => {
    const { status, headers, body } = answer(req.method, req.url);
    res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) }).end(req.method === 'HEAD' ? undefined : body);
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has('cbor') ? 'cbor' : false),
  });
  httpServer.on('upgrade', (req, socket, headBytes) => {
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      const { status, headers, body } = answer(req.method, req.url);
      const lines = [`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}`, 'connection: close', `content-length: ${Buffer.byteLength(body)}`];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      socket.end(`${lines.join('\r\n')}\r\n\r\n${req.method === 'HEAD' ? '' : body}`);
      return;
    }
    const path = new URL(req.url, 'http://localhost').pathname;
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    if (path !== '/rpc') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    } else if (offered.length > 0 && !offered.includes('cbor')) {
      const body = 'devdb speaks only the CBOR RPC protocol: use the WebSocket subprotocol "cbor"\n';
      socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    } else {
      wss.handleUpgrade(req, socket, headBytes, (ws) => wss.emit('connection', ws));
    }
  });

  const cleanups = new Set(); // connections releasing their sessions and live queries
  let closing;
  wss.on('connection', (ws) => {
    const conn = new RpcConnection(ws, engine, router, log);
    ws.on('message', (data, isBinary) => conn.onMessage(data, isBinary));
    ws.on('error', (err) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        log(`closing a connection: message larger than ${MAX_MESSAGE_BYTES} bytes`);
      } else {
        log(`websocket error: ${err.message}`);
      }
    });
    ws.on('close', () => {
      const cleanup = conn.close()
        .catch((err) => {
          if (!closing) log(`cleanup of a connection failed: ${err?.message ?? err}`);
        })
        .finally(() => cleanups.delete(cleanup));
      cleanups.add(cleanup);
    });
  });

  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });

  const close = () => {
    closing ??= (async () => {
      httpServer.close();
      for (const ws of wss.clients) ws.close(1001, 'devdb shutting down');
      const drained = new Promise((resolve) => {
        const check = () => (wss.clients.size === 0 ? resolve() : setTimeout(check, 20));
        check();
      });
      await Promise.race([drained, delay(500)]);
      for (const ws of wss.clients) ws.terminate();
      httpServer.closeAllConnections?.();
      await Promise.race([Promise.allSettled([...cleanups]), delay(500)]);
      await engine.free();
      await Promise.race([pump, delay(200)]);
    })();
    return closing;
  };

  return { host, port: httpServer.address().port, storage, version, close };
}

/** Defines (or redefines, for a persistent store) the root user so that `signin` works. */
async function defineRoot(engine, user, pass) {
  const sql = `DEFINE USER OVERWRITE ${user} ON ROOT PASSWORD ${JSON.stringify(pass)} ROLES OWNER`;
  const out = Buffer.from(await engine.execute(map([
    ['id', Buffer.from([0x00])],
    ['method', text('query')],
    ['params', Buffer.concat([Buffer.from([0x81]), text(sql)])],
  ])));
  const result = decode(out);
  const first = Array.isArray(result) ? result[0] : result;
  if (!first || first.status !== 'OK') {
    throw new Error(`cannot define the root user: ${JSON.stringify(first?.result ?? first?.error ?? first)}`);
  }
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
