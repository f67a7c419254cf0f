/**
 * Plain HTTP GETs from the host (NodePort probes, haproxy stats): a NEW connection per request (no
 * keep-alive pool: a pooled connection would pin every request to one backend and hide what a load
 * balancer does), a hard deadline covering connect + answer, no retries.
 */
import { request } from 'node:http';

/** The request got no answer within its deadline (a probe records it as `unknown`, not `fail`). */
export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export function httpGet(url: string, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, headers: { connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const timer = setTimeout(() => req.destroy(new HttpTimeoutError(`GET ${url}: no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}
