// A local static-file server on 127.0.0.1 with knobs for the failures a real CDN shows: HTTP errors,
// connections dropped mid-body, stalls, slow bodies, with or without Range support.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServerBehaviour {
  /** Honour "Range" (and "If-Range" against the ETag). */
  ranges: boolean;
  /** Send ETag headers (needed for resuming). */
  etags: boolean;
  /** Body chunk size in bytes. */
  chunkBytes: number;
  /** Pause between chunks. */
  chunkDelayMs: number;
  /** Answer this status for a path. */
  status: Map<string, number>;
  /** Destroy the socket after this many body bytes of a path, `times` times. */
  drop: Map<string, { afterBytes: number; times: number }>;
  /** Send this many body bytes of a path, then go silent (socket left open). */
  stall: Map<string, number>;
  /** Send fewer bytes than the file holds, with a Content-Length that matches (a bad upload). */
  truncate: Map<string, number>;
}

export interface RecordedRequest {
  path: string;
  /** The query string, "?…" or "". */
  search: string;
  headers: IncomingHttpHeaders;
}

export interface ModelServer {
  /** http://127.0.0.1:PORT/models/tiny/model.json */
  modelUrl: string;
  origin: string;
  behaviour: ServerBehaviour;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const etagOf = (bytes: Buffer) => `"${createHash('sha1').update(bytes).digest('hex')}"`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function writeChunked(res: ServerResponse, body: Buffer, b: ServerBehaviour, dropAt: number | undefined, stallAt: number | undefined) {
  let sent = 0;
  while (sent < body.byteLength) {
    let end = Math.min(sent + b.chunkBytes, body.byteLength);
    if (dropAt !== undefined && end > dropAt) end = dropAt;
    if (stallAt !== undefined && end > stallAt) end = stallAt;
    if (end > sent) {
      await new Promise<void>((resolve) => res.write(body.subarray(sent, end), () => resolve()));
      sent = end;
    }
    if (dropAt !== undefined && sent >= dropAt) {
      await sleep(20); // let the bytes reach the client before the reset
      res.socket?.destroy();
      return;
    }
    if (stallAt !== undefined && sent >= stallAt) return; // never ends; closeAllConnections() cleans up
    if (b.chunkDelayMs > 0) await sleep(b.chunkDelayMs);
    if (res.destroyed) return;
  }
  res.end();
}

/** Serves `files` under /models/tiny/. */
export async function startModelServer(files: Map<string, Buffer>, prefix = '/models/tiny/'): Promise<ModelServer> {
  const behaviour: ServerBehaviour = {
    ranges: true,
    etags: true,
    chunkBytes: 1024,
    chunkDelayMs: 0,
    status: new Map(),
    drop: new Map(),
    stall: new Map(),
    truncate: new Map(),
  };
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    requests.push({ path, search: url.search, headers: req.headers });
    const name = path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
    const status = name !== undefined ? behaviour.status.get(name) : undefined;
    if (status !== undefined) {
      res.writeHead(status, { 'content-type': 'text/plain' }).end('failure on purpose');
      return;
    }
    const file = name !== undefined ? files.get(name) : undefined;
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
    if (behaviour.etags) headers.etag = etagOf(file);
    if (behaviour.ranges) headers['accept-ranges'] = 'bytes';
    let body = file;
    let code = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (behaviour.ranges && range && (!ifRange || ifRange === headers.etag)) {
      const start = Number(range[1]);
      if (start >= file.byteLength) {
        res.writeHead(416, { 'content-range': `bytes */${file.byteLength}` }).end();
        return;
      }
      body = file.subarray(start);
      code = 206;
      headers['content-range'] = `bytes ${start}-${file.byteLength - 1}/${file.byteLength}`;
    }
    const short = behaviour.truncate.get(name!);
    if (short !== undefined) body = body.subarray(0, short);
    headers['content-length'] = body.byteLength;
    res.writeHead(code, headers);
    const drop = behaviour.drop.get(name!);
    const dropAt = drop && drop.times > 0 ? drop.afterBytes : undefined;
    if (drop && dropAt !== undefined) drop.times -= 1;
    void writeChunked(res, body, behaviour, dropAt, behaviour.stall.get(name!));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    modelUrl: `${origin}${prefix}model.json`,
    behaviour,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
