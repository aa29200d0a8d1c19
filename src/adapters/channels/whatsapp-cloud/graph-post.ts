/**
 * One JSON POST to the Graph API over a kept-alive connection. node:http rather than fetch: at
 * WhatsApp's higher tiers the worker sends hundreds of messages a second, and fetch's web
 * streams and abort signals cost several times the CPU of the request itself.
 */
import http from 'node:http';
import https from 'node:https';

/** What the sender needs of an answer. */
export interface GraphAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly text: string;
}

/** No complete answer within the time allowed; Meta may still have accepted the message. */
export class GraphTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Idle connections are closed before Meta's side would, so a send never lands on a closing one. */
const idleKeepAliveMs = 4000;

export type GraphPost = (
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: string,
  timeoutMs: number,
) => Promise<GraphAnswer>;

/**
 * A poster with its own connection pool. It rejects with {@link GraphTimeoutError} when the
 * connection, the request and the whole answer take longer than `timeoutMs`, and otherwise with
 * the socket's error (whose `code` says whether a connection was ever made: ECONNREFUSED...).
 */
export function graphPoster(): GraphPost {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: idleKeepAliveMs, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, timeout: idleKeepAliveMs, scheduling: 'lifo' }),
  };
  return (url, headers, body, timeoutMs) =>
    new Promise<GraphAnswer>((resolve, reject) => {
      const isHttps = url.protocol === 'https:';
      const payload = Buffer.from(body, 'utf8');
      const request = (isHttps ? https : http).request(url, {
        method: 'POST',
        agent: agents[isHttps ? 'https:' : 'http:'],
        headers: { ...headers, 'content-length': String(payload.length) },
      });
      // The promise settles once; whatever the socket reports after that is moot.
      const timer = setTimeout(() => {
        reject(new GraphTimeoutError(`no answer within ${timeoutMs} ms`));
        request.destroy();
      }, timeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      request.on('error', fail);
      request.once('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.once('aborted', () => fail(new Error('answer cut off')));
        response.once('end', () => {
          clearTimeout(timer);
          const retryAfter = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      request.end(payload);
    });
}
