/**
 * The load balancer's own view of its apiserver backends, from haproxy's CSV stats (the offline
 * haproxy image serves them on port 8404; see substrate/images/runtime-images.ts).
 */
import { httpGet } from '../runtime/http.js';

export const HAPROXY_STATS_PORT = 8404;
const BACKEND = 'kube-apiservers';

export interface BackendServerState {
  readonly server: string;
  /** UP, DOWN, "UP 1/2" (going down), "DOWN 1/2" (coming up), MAINT, no check ... as haproxy says. */
  readonly status: string;
  /** Last health check result, e.g. L7OK, L4CON, L7STS. */
  readonly checkStatus: string;
  /** Seconds since the last UP/DOWN transition. */
  readonly lastChangeS: number;
  readonly downTransitions: number;
}

/** Parse haproxy's `show stat` CSV (first line "# pxname,svname,..."). Pure. */
export function parseHaproxyCsv(csv: string, backend = BACKEND): BackendServerState[] {
  const lines = csv.split('\n').filter((l) => l.trim());
  const header = lines[0]?.replace(/^#\s*/, '').split(',');
  if (!header) {
    throw new Error('empty haproxy stats');
  }
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) {
      throw new Error(`haproxy stats lack column ${name}`);
    }
    return i;
  };
  const [px, sv, status, check, lastchg, chkdown] = ['pxname', 'svname', 'status', 'check_status', 'lastchg', 'chkdown'].map(col) as [
    number, number, number, number, number, number,
  ];
  return lines
    .slice(1)
    .map((l) => l.split(','))
    .filter((f) => f[px] === backend && f[sv] !== 'BACKEND' && f[sv] !== 'FRONTEND')
    .map((f) => ({
      server: f[sv] ?? '',
      status: f[status] ?? '',
      checkStatus: f[check] ?? '',
      lastChangeS: Number(f[lastchg] ?? 'NaN'),
      downTransitions: Number(f[chkdown] ?? 'NaN'),
    }));
}

export async function readBackendStates(lbIp: string, timeoutMs = 3_000): Promise<BackendServerState[]> {
  const answer = await httpGet(`http://${lbIp}:${HAPROXY_STATS_PORT}/stats;csv`, timeoutMs);
  if (answer.status !== 200) {
    throw new Error(`haproxy stats answered HTTP ${answer.status}`);
  }
  return parseHaproxyCsv(answer.body);
}
