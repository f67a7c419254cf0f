/**
 * Reads what each leader-election instance logged about its lease, from the CRI log files the
 * kubelet keeps on every control-plane node (/var/log/pods/kube-system_<component>-<node>_<uid>/
 * <component>/<restart>.log: the current container and the previous ones). Only the lease lines and
 * each file's last line travel back, so a long-running component's log costs little.
 */
import { parseLeaderElectionLog } from '../checks/lease-logs.js';
import type { LeaseLogEvent } from '../probes/history.js';
import type { ClusterNode } from '../nodes/node-access.js';

const FILE_MARK = '==> ';

// Per file: a header, the lease lines, then the last line (proof of life at that time).
const SCRIPT = (component: string, node: string): string =>
  `for f in /var/log/pods/kube-system_${component}-${node}_*/${component}/*.log; do ` +
  `[ -f "$f" ] || continue; echo "${FILE_MARK}$f"; ` +
  `grep -E 'leader lease|acquired lease|failed to renew lease|leaderelection lost|Leaderelection lost' "$f"; tail -n 1 "$f"; done`;

/** Lease events of `component` on every node, with wall time mapped onto the run clock. */
export async function readLeaderElectionLogs(
  nodes: readonly ClusterNode[],
  component: string,
  runStartWallMs: number,
): Promise<LeaseLogEvent[]> {
  const events: LeaseLogEvent[] = [];
  for (const host of nodes) {
    const node = host.name;
    const r = await host.run(['sh', '-c', SCRIPT(component, node)], { timeoutMs: 20_000 });
    let file: string | undefined;
    let lines: string[] = [];
    const flush = (): void => {
      if (file !== undefined) {
        const instance = file.split('/').slice(-2).join('/');
        for (const e of parseLeaderElectionLog(lines.join('\n'), { node, instance, lease: `kube-system/${component}` })) {
          events.push({ ...e, atMs: Date.parse(e.wallIso) - runStartWallMs });
        }
      }
      lines = [];
    };
    for (const line of r.stdout.split('\n')) {
      if (line.startsWith(FILE_MARK)) {
        flush();
        file = line.slice(FILE_MARK.length);
      } else {
        lines.push(line);
      }
    }
    flush();
  }
  return events;
}
