/**
 * Reads an etcd member's Prometheus metrics from the host, over the member's CLIENT port
 * (https://<node ip>:2379/metrics, which etcd serves beside its API) with the same client
 * certificate the probes use, on one kept-alive TLS connection per member.
 *
 * Why not kubeadm's metrics listener (http://127.0.0.1:2381): it listens inside the node only, so
 * reading it took a `docker exec curl` per scrape, ~60 ms of host CPU each (docker CLI, dockerd,
 * runc); five members every 5 s was 6 % of a core on a 2-core machine, spent while the probes
 * measured a cluster short of CPU. A kept-alive HTTPS GET costs well under a millisecond of CPU here.
 *
 * The same rules as every client in runtime/: a deadline on every call, no retries, and an error
 * that says which member and why.
 */
import { request } from 'node:https';
import type { EtcdMemberOptions } from './etcd.js';
import { memberAgent } from './etcd-gateway.js';

export interface EtcdMetricsReader {
  /** The metrics page as text. */
  read(timeoutMs: number): Promise<string>;
  close(): void;
}

export function openEtcdMetricsReader(opts: EtcdMemberOptions): EtcdMetricsReader {
  const url = new URL('/metrics', opts.endpoint);
  const agent = memberAgent(opts, 1);
  return {
    read: (timeoutMs) =>
      new Promise<string>((resolve, reject) => {
        const req = request(url, { agent, method: 'GET', ...(opts.serverName === undefined ? {} : { servername: opts.serverName }) }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => fail(new Error(`GET ${url.href}: answer cut: ${e.message}`)));
          res.on('end', () => {
            clearTimeout(timer);
            if (res.statusCode !== 200) {
              reject(new Error(`GET ${url.href}: HTTP ${res.statusCode}`));
              return;
            }
            resolve(Buffer.concat(chunks).toString('utf8'));
          });
        });
        const fail = (e: Error): void => {
          clearTimeout(timer);
          req.destroy(); // never reuse a connection a call failed on
          reject(e);
        };
        const timer = setTimeout(() => fail(new Error(`GET ${url.href}: no answer within ${timeoutMs} ms`)), timeoutMs);
        req.on('error', (e) => fail(new Error(`GET ${url.href}: ${e.message}`)));
        req.end();
      }),
    close: () => agent.destroy(),
  };
}
