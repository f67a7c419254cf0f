/**
 * Pure judgement of what a preflight found: the HA design as a layout, the bounds the suites would
 * apply (from the flags the cluster actually runs with, by the same derivations the suites use), the
 * state of the baseline (a disruptive run refuses to start on an unhealthy one), and the risks of
 * the design, each with its reason and a source.
 */
import { splitPflags } from '../guarantees/component-flags.js';
import { parseLeaderElectionFlags } from '../guarantees/component-flags.js';
import { deriveLeaseBounds } from '../guarantees/control-plane-thresholds.js';
import { ETCD_DEFAULT_TIMERS, parseEtcdFlags, type EtcdTimers } from '../guarantees/flags.js';
import { deriveEtcdThresholds, toleratedFailures } from '../guarantees/thresholds.js';
import type { ApiserverFront, ControlPlaneLayout, EtcdPlacement } from '../cluster/layout.js';
import type { PreflightFacts } from './facts.js';

export type RiskLevel = 'high' | 'medium' | 'info';

export interface Risk {
  readonly level: RiskLevel;
  readonly id: string;
  readonly text: string;
  readonly source: string;
}

export interface PreflightBound {
  readonly target: string;
  readonly name: string;
  readonly valueMs: number;
  readonly derivation: string;
}

export interface PreflightAssessment {
  readonly layout: ControlPlaneLayout;
  /** A one-line description of the front (what the kubeconfig points at). */
  readonly frontDescription: string;
  readonly etcdEndpoints: readonly string[];
  readonly etcdLeader: string | undefined;
  readonly leases: readonly { readonly name: string; readonly holder: string | undefined; readonly renewing: boolean; readonly component?: string }[];
  readonly bounds: readonly PreflightBound[];
  /** What would make a disruptive run refuse to start, each named. */
  readonly baselineProblems: readonly string[];
  readonly risks: readonly Risk[];
}

const SOURCES = {
  etcdFaq: 'https://etcd.io/docs/v3.6/faq/#what-is-failure-tolerance',
  etcdTuning: 'https://etcd.io/docs/v3.6/tuning/#time-parameters',
  kubeadmHa: 'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/',
  lbHa: 'https://github.com/kubernetes/kubeadm/blob/main/docs/ha-considerations.md',
  leaderElect: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/',
} as const;

const LEADER_COMPONENTS = ['kube-controller-manager', 'kube-scheduler'] as const;

function isLocalEndpoint(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === '127.0.0.1' || h === 'localhost' || h === '::1' || h === '[::1]';
  } catch {
    return false;
  }
}

/** Where etcd runs, read from the apiservers' own --etcd-servers. */
export function etcdPlacementOf(facts: PreflightFacts): { placement: EtcdPlacement; endpoints: string[] } {
  const endpoints = new Set<string>();
  for (const p of facts.controlPlanePods.filter((x) => x.component === 'kube-apiserver')) {
    const v = splitPflags(p.command).values['etcd-servers'];
    for (const e of (v ?? '').split(',').filter(Boolean)) {
      endpoints.add(e);
    }
  }
  const list = [...endpoints].sort();
  const stackedPods = facts.controlPlanePods.filter((p) => p.component === 'etcd').length;
  if (list.length > 0 && list.every(isLocalEndpoint) && stackedPods > 0) {
    return { placement: { mode: 'stacked' }, endpoints: list };
  }
  return { placement: list.length > 0 ? { mode: 'external', members: list.length } : { mode: 'stacked' }, endpoints: list };
}

/** What fronts the apiservers, as far as the kubeconfig and the nodes can tell. */
export function frontOf(facts: PreflightFacts): { front: ApiserverFront; description: string; risks: Risk[] } {
  const host = new URL(facts.serverUrl).hostname;
  const apiserverIps = new Set([...facts.apiserverAddresses, ...facts.nodes.filter((n) => n.controlPlane).map((n) => n.internalIp ?? '')]);
  if (apiserverIps.has(host)) {
    return {
      front: { kind: 'dns-rr', name: host },
      description: `${facts.serverUrl}: one apiserver directly, no load balancer`,
      risks: [{ level: 'high', id: 'no-load-balancer', text: `the kubeconfig points at one apiserver (${host}): when it dies, every client using this kubeconfig loses the API although the others answer`, source: SOURCES.lbHa }],
    };
  }
  if (facts.loadBalancerHosts.length === 1) {
    return {
      front: { kind: 'kind-haproxy' },
      description: `${facts.serverUrl}: the load balancer ${facts.loadBalancerHosts[0]} (one haproxy)`,
      risks: [{ level: 'medium', id: 'single-load-balancer', text: `one load balancer (${facts.loadBalancerHosts[0]}) fronts all ${apiserverIps.size} apiservers: it is a single point of failure (suites/lb-failover measures what that costs)`, source: SOURCES.lbHa }],
    };
  }
  return {
    front: { kind: 'kind-haproxy' },
    description: `${facts.serverUrl}: an address that is no apiserver's (a load balancer or a VIP)`,
    risks: [{ level: 'info', id: 'front-unverified', text: `${host} is not an apiserver address; from the API alone it cannot be told whether it is one load balancer or an HA pair: check it is not a single point of failure`, source: SOURCES.lbHa }],
  };
}

/** Pure: `args` minus the program, as a sorted flag list (order does not matter to pflag). */
function flagSet(args: readonly string[]): string[] {
  return args.slice(1).filter((a) => a.startsWith('-')).sort();
}

/**
 * What the nodes themselves say against the API's mirror pods: a component whose mirror pod exists
 * but whose process does not run (the API shows a stale mirror), a process whose flags differ from
 * its mirror pod's (a manifest edited and not yet picked up: the bounds here use the mirror pod's,
 * which may not be what runs), a node that could not be read.
 */
export function nodeReadFindings(facts: PreflightFacts): { baselineProblems: string[]; risks: Risk[] } {
  const baselineProblems: string[] = [];
  const risks: Risk[] = [];
  for (const read of facts.nodeReads ?? []) {
    if (read.error !== undefined) {
      baselineProblems.push(`node ${read.node} could not be read through ${facts.nodeAccess} node access: ${read.error}`);
      continue;
    }
    for (const pod of facts.controlPlanePods.filter((p) => p.node === read.node)) {
      const procs = read.processes.filter((p) => p.component === pod.component);
      const proc = procs[0];
      if (proc === undefined) {
        baselineProblems.push(`${pod.component} on ${read.node}: its mirror pod is listed but no ${pod.component} process runs on the node`);
        continue;
      }
      const want = flagSet(pod.command);
      const have = flagSet(proc.args);
      const onlyPod = want.filter((f) => !have.includes(f));
      const onlyProc = have.filter((f) => !want.includes(f));
      if (onlyPod.length > 0 || onlyProc.length > 0) {
        risks.push({
          level: 'medium',
          id: `${pod.component}-flags-differ`,
          text: `${pod.component} on ${read.node} (pid ${proc.pid}) runs with flags that differ from its mirror pod (running only: ${onlyProc.join(' ') || 'none'}; mirror pod only: ${onlyPod.join(' ') || 'none'}): the manifest changed and the process did not restart, and the bounds above use the mirror pod's flags`,
          source: 'https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/',
        });
      }
    }
    const manifestComponents = read.manifests.map((m) => m.replace(/\.(ya?ml|json)$/, ''));
    for (const c of manifestComponents.filter((m) => !facts.controlPlanePods.some((p) => p.node === read.node && p.component === m) && ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].includes(m))) {
      risks.push({ level: 'info', id: `${c}-no-mirror-pod`, text: `${read.node} has a static pod manifest for ${c} but the API lists no mirror pod for it`, source: 'https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/' });
    }
  }
  return { baselineProblems, risks };
}

function etcdTimersOf(facts: PreflightFacts): Map<string, EtcdTimers> {
  const out = new Map<string, EtcdTimers>();
  for (const p of facts.controlPlanePods.filter((x) => x.component === 'etcd')) {
    out.set(p.node, parseEtcdFlags(p.command).timers);
  }
  return out;
}

export function assessPreflight(facts: PreflightFacts): PreflightAssessment {
  const risks: Risk[] = [];
  const baselineProblems: string[] = [];
  const bounds: PreflightBound[] = [];
  const controlPlanes = facts.nodes.filter((n) => n.controlPlane);
  const workers = facts.nodes.filter((n) => !n.controlPlane);
  const { placement, endpoints } = etcdPlacementOf(facts);
  const front = frontOf(facts);
  risks.push(...front.risks);
  const layout: ControlPlaneLayout = { name: facts.context, controlPlanes: controlPlanes.length, workers: workers.length, etcd: placement, front: front.front };

  // Baseline: what a disruptive run would refuse to start on.
  if (!facts.readyz.ok) {
    baselineProblems.push(`the API does not answer /readyz through ${facts.serverUrl} (HTTP ${facts.readyz.status})`);
  }
  for (const n of facts.nodes.filter((x) => x.ready !== 'True')) {
    baselineProblems.push(`node ${n.name} is not Ready (${n.ready})`);
  }
  for (const p of facts.controlPlanePods.filter((x) => !x.ready)) {
    baselineProblems.push(`${p.component} on ${p.node} is not Ready`);
  }

  // etcd: members, tolerance, timers.
  const members = placement.mode === 'stacked' ? facts.controlPlanePods.filter((p) => p.component === 'etcd').length : placement.members;
  let etcdLeader: string | undefined;
  if (facts.etcd.read) {
    const v = facts.etcd.view;
    const leaders = new Set(v.statuses.map((s) => s.leaderId).filter((id) => id !== '0'));
    etcdLeader = leaders.size === 1 ? v.members.find((m) => m.id === [...leaders][0])?.name : undefined;
    if (v.statuses.length < v.members.length) {
      baselineProblems.push(`only ${v.statuses.length} of ${v.members.length} etcd members answered`);
    }
    if (leaders.size !== 1) {
      baselineProblems.push(`etcd members disagree on the leader or have none (${leaders.size} named)`);
    }
    if (v.members.some((m) => m.isLearner)) {
      baselineProblems.push('etcd has a learner: a membership change is in progress');
    }
  }
  if (members > 0 && toleratedFailures(members) === 0) {
    risks.push({ level: 'high', id: 'etcd-no-tolerance', text: `etcd has ${members} member(s): it tolerates no member failure (quorum ${Math.floor(members / 2) + 1})`, source: SOURCES.etcdFaq });
  } else if (members > 0 && members % 2 === 0) {
    risks.push({ level: 'medium', id: 'etcd-even-members', text: `etcd has ${members} members: an even count tolerates no more failures than ${members - 1} and adds one member to lose`, source: SOURCES.etcdFaq });
  }
  if (placement.mode === 'stacked') {
    risks.push({ level: 'info', id: 'stacked-etcd', text: `stacked etcd: losing a control-plane node loses an etcd member and that node's apiserver together (kubeadm: "coupled failure")`, source: SOURCES.kubeadmHa });
  }
  if (controlPlanes.length < 3) {
    risks.push({ level: 'high', id: 'few-control-planes', text: `${controlPlanes.length} control-plane node(s): kubeadm's HA topologies need at least 3`, source: SOURCES.kubeadmHa });
  }
  const timers = etcdTimersOf(facts);
  const distinct = new Set([...timers.values()].map((t) => `${t.electionTimeoutMs}/${t.heartbeatIntervalMs}`));
  if (distinct.size > 1) {
    risks.push({ level: 'medium', id: 'etcd-timers-differ', text: `etcd members run with different timers (${[...distinct].join(', ')} ms election/heartbeat): the slowest governs elections`, source: SOURCES.etcdTuning });
  }
  for (const [node, t] of timers) {
    const d = deriveEtcdThresholds(t, { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 250 });
    bounds.push({ target: `etcd on ${node}`, name: 'maxElectionMs', valueMs: d.values.maxElectionMs, derivation: d.derivation.maxElectionMs });
  }
  if (timers.size === 0 && placement.mode === 'external') {
    const d = deriveEtcdThresholds(ETCD_DEFAULT_TIMERS, { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 250 });
    bounds.push({ target: 'external etcd (flags not readable from the API: etcd defaults assumed)', name: 'maxElectionMs', valueMs: d.values.maxElectionMs, derivation: d.derivation.maxElectionMs });
  }

  // Leader election, per component and per lease.
  const leases: { name: string; holder: string | undefined; renewing: boolean; component?: string }[] = [];
  const second = new Map(facts.leases.second.map((l) => [l.name, l]));
  for (const component of LEADER_COMPONENTS) {
    const pods = facts.controlPlanePods.filter((p) => p.component === component);
    if (pods.length === 0) {
      continue;
    }
    const flags = pods.map((p) => ({ node: p.node, f: parseLeaderElectionFlags(p.command, component) }));
    const off = flags.filter((x) => !x.f.enabled).map((x) => x.node);
    if (off.length > 0) {
      risks.push({ level: 'high', id: `${component}-leader-election-off`, text: `${component} runs with --leader-elect=false on ${off.join(', ')}: ${off.length} instance(s) act at once, whoever holds the Lease`, source: SOURCES.leaderElect });
    }
    const on = flags.filter((x) => x.f.enabled);
    const first = on[0];
    if (first === undefined) {
      continue;
    }
    const leaseName = first.f.leaseName;
    const lease = facts.leases.first.find((l) => l.name === leaseName);
    const later = second.get(leaseName);
    const renewing = lease?.renewTime !== undefined && later?.renewTime !== undefined && later.renewTime !== lease.renewTime;
    const holder = (later ?? lease)?.holderIdentity?.split('_')[0];
    leases.push({ name: leaseName, holder, renewing, component });
    if (holder === undefined || holder === '') {
      baselineProblems.push(`no instance of ${component} holds its Lease ${leaseName}`);
    } else if (!renewing && facts.leases.gapMs > first.f.retryPeriodMs * 2.2) {
      baselineProblems.push(`the Lease ${leaseName} was not renewed in ${facts.leases.gapMs} ms (retry period ${first.f.retryPeriodMs} ms): its holder may be stuck`);
    }
    if (first.f.leaseDurationMs > 4 * 15_000) {
      risks.push({ level: 'info', id: `${component}-long-lease`, text: `${component}'s lease is ${first.f.leaseDurationMs / 1000} s (default 15 s): a dead leader is replaced only after about that long`, source: SOURCES.leaderElect });
    }
    const b = deriveLeaseBounds(leaseName, first.f);
    bounds.push({ target: `Lease ${leaseName} (${component})`, name: 'maxAbruptHandoverMs', valueMs: b.values.maxAbruptHandoverMs, derivation: b.derivation.maxAbruptHandoverMs });
  }
  const nodeChecks = nodeReadFindings(facts);
  baselineProblems.push(...nodeChecks.baselineProblems);
  risks.push(...nodeChecks.risks);
  if (facts.apiserverAddresses.length < controlPlanes.length) {
    baselineProblems.push(`only ${facts.apiserverAddresses.length} of ${controlPlanes.length} apiservers are registered in default/kubernetes`);
  }
  return { layout, frontDescription: front.description, etcdEndpoints: endpoints, etcdLeader, leases, bounds, baselineProblems, risks };
}
