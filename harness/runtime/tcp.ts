/**
 * One TCP connect from the host, with a hard deadline and no retry: what a VIP probe needs to tell
 * "something accepts on VIP:port" from "nothing does" (a SYN into a dead MAC times out; a host that
 * has the VIP but no listener refuses).
 */
import { Socket } from 'node:net';

export type TcpConnectOutcome = { readonly outcome: 'ok' } | { readonly outcome: 'fail'; readonly error: string } | { readonly outcome: 'timeout' };

export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<TcpConnectOutcome> {
  return new Promise<TcpConnectOutcome>((resolve) => {
    const s = new Socket();
    let done = false;
    const finish = (o: TcpConnectOutcome): void => {
      if (done) {
        return;
      }
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ outcome: 'timeout' }), timeoutMs);
    s.once('connect', () => finish({ outcome: 'ok' }));
    s.once('error', (e: NodeJS.ErrnoException) => finish({ outcome: 'fail', error: e.code ?? e.message }));
    s.connect({ host, port });
  });
}
