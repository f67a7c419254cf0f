/**
 * The flags a control-plane component actually runs with, read from its static pod manifest on the
 * node (what the kubelet runs), so thresholds come from the cluster under test, not from docs.
 */
import { parse } from 'yaml';
import type { ClusterNode } from '../nodes/node-access.js';
import { MANIFEST_DIR, type ControlPlaneComponent } from './node-processes.js';

export interface StaticPodCommand {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** Pure: the first container's command+args and literal env of a static pod manifest. */
export function parseStaticPodCommand(manifestYaml: string): StaticPodCommand {
  const doc = parse(manifestYaml) as {
    spec?: { containers?: { command?: string[]; args?: string[]; env?: { name: string; value?: string }[] }[] };
  };
  const c = doc.spec?.containers?.[0];
  if (!c) {
    throw new Error('static pod manifest has no container');
  }
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = e.value;
    }
  }
  return { command: [...(c.command ?? []), ...(c.args ?? [])], env };
}

export async function readStaticPodCommand(node: ClusterNode, component: ControlPlaneComponent): Promise<StaticPodCommand> {
  const r = await node.run(['cat', `${MANIFEST_DIR}/${component}.yaml`], { timeoutMs: 15_000 });
  return parseStaticPodCommand(r.stdout);
}
