// The fake server's broken answers: what each `fault` of a scripted reply does to a streamed answer
// (a connection reset, a malformed chunk, an error inside the stream, a stall), and the huge answer
// written only as fast as the client reads it. The network's own faults (proxies, DNS, TLS) are in
// network-faults.ts.
import type { ServerResponse } from 'node:http';

export type Fault = 'in-stream-error' | 'no-done' | 'reset-mid-stream' | 'never-answer' | 'stall-after-first' | 'malformed-chunk' | 'endless';

export interface FaultReply {
  fault?: Fault;
  /** The broken `data:` payload the `malformed-chunk` fault sends. */
  malformedData?: string;
  errorMessage?: string;
}

export interface StreamState {
  res: ServerResponse;
  id: string;
  /** Writes while the client still listens. */
  write(data: string): void;
}

/**
 * What the reply's fault does before content chunk `i` of `count`: 'go' writes the chunk as usual,
 * 'stop' ends the answer here (the fault already wrote, closed or stalled the connection).
 */
export function faultAt(reply: FaultReply, i: number, count: number, stream: StreamState): 'go' | 'stop' {
  const { res, id, write } = stream;
  const half = Math.floor(count / 2);
  if (reply.fault === 'reset-mid-stream' && i === half) {
    res.write('data: {"id":"' + id + '","choices":[{"index":0,"delta":{"content":"tr');
    res.socket?.destroy();
    return 'stop';
  }
  if (reply.fault === 'malformed-chunk' && i === half) write(`data: ${reply.malformedData ?? '{"choices":[{"delta":{"content":'}\n\n`);
  if (reply.fault === 'in-stream-error' && i === half) {
    write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', error: { code: 502, message: reply.errorMessage ?? 'Provider returned error', metadata: { error_type: 'provider_unavailable' } }, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }] })}\n\n`);
    res.end();
    return 'stop';
  }
  if (reply.fault === 'stall-after-first' && i === 1) return 'stop'; // Keeps the socket open, sends nothing more.
  return 'go';
}

/** Writes a huge answer piece by piece, waiting for the client to read each before the next. */
export async function sendHuge(res: ServerResponse, request: { bytesSent?: number }, total: number, stream: boolean, id: string, model: string, alive: () => boolean): Promise<void> {
  const filler = 'x'.repeat(16 * 1024);
  request.bytesSent = 0;
  const put = async (data: string): Promise<boolean> => {
    if (!alive()) return false;
    request.bytesSent = (request.bytesSent ?? 0) + Buffer.byteLength(data);
    if (res.write(data)) return true;
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
    return alive();
  };
  res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
  if (stream) {
    while ((request.bytesSent ?? 0) < total) {
      if (!(await put(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { content: filler }, finish_reason: null }] })}\n\n`))) return;
    }
    if (!(await put(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`))) return;
  } else {
    if (!(await put(`{"id":"${id}","object":"chat.completion","model":${JSON.stringify(model)},"choices":[{"index":0,"message":{"role":"assistant","content":"`))) return;
    while ((request.bytesSent ?? 0) < total) if (!(await put(filler))) return;
    if (!(await put('"},"finish_reason":"stop"}]}'))) return;
  }
  res.end();
}
