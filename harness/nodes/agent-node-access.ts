/**
 * The `agent` node access (issue 11): for clusters where nobody may SSH to a node, one privileged
 * pod per node in a namespace of ours (AGENT_NAMESPACE), pinned to its node by `nodeName`, with the
 * node's PID and network namespaces (hostPID, hostNetwork). A command runs on the node as
 *
 *   kubectl exec -n kube-ha-chaos-agent agent-<node> -c agent -- nsenter -t 1 -m -u -i -n -p -- <argv>
 *
 * PID 1 of the pod's PID namespace is the node's init (hostPID), so nsenter puts argv into the
 * node's mount, UTS, IPC, network and PID namespaces: it sees the node's filesystem and binaries
 * (not the agent image's), its processes, its iptables. Two things stay the agent's: the cgroup
 * (argv runs inside the agent container's cgroup, which is why the pod sets no resource limits) and
 * the credentials a privileged container has (all capabilities the node's runtime grants).
 *
 * LIMITATION (DESIGN, "The next seams"): every command goes through the Kubernetes API (kubectl exec
 * is an apiserver -> kubelet stream). The faults this project injects take the API down on purpose,
 * so this access cannot run a heal, a proof or a sweep while an apiserver fault holds, and a fault run
 * through it would lose its way back. It is used today by the read-only preflight only; fault runs
 * need a stream opened before the fault (one long-lived `kubectl exec -i` per node that reads
 * commands from stdin), or an agent that listens on the node itself without the API. Later work.
 *
 * The agents are ours to remove: `removeAgents` deletes the namespace and waits until the pods are
 * gone (their PID 1 exits on SIGTERM at once, see substrate/images/agent-image.ts). The namespace
 * carries its owner (host, PID, start time), so a run that was killed before it could remove them is
 * cleaned up by the next one (`prepareAgentNamespace`), and a live run's agents are never taken over.
 *
 * Pure parts (manifests, argv, classification) are exported for tests; the I/O goes through
 * runtime/kube-api.ts (API calls) and runtime/kubectl.ts (exec), the one command layer.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { CommandError, type CommandResult } from '../runtime/command.js';
import { expectStatus, kubeRequest, parseJson, parseStatusBody } from '../runtime/kube-api.js';
import type { KubeApiCredentials } from '../runtime/kubeconfig.js';
import { kubectl, type KubectlContext } from '../runtime/kubectl.js';
import { isSameProcessAlive, processIdentity } from '../runtime/processes.js';
import type { ClusterNode, ListedNode, NodeProvider, NodeRole, RunOptions } from './node-access.js';

export const AGENT_NAMESPACE = 'kube-ha-chaos-agent';
export const AGENT_CONTAINER = 'agent';
export const AGENT_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'kube-ha-chaos-agent',
  'app.kubernetes.io/managed-by': 'kube-ha-chaos',
};
export const AGENT_SELECTOR = 'app.kubernetes.io/name=kube-ha-chaos-agent';
export const AGENT_RBAC_FIXTURE = 'fixtures/rbac/preflight-agent.yaml';

const OWNER = {
  host: 'kube-ha-chaos.io/owner-host',
  pid: 'kube-ha-chaos.io/owner-pid',
  startTicks: 'kube-ha-chaos.io/owner-start-ticks',
  createdAt: 'kube-ha-chaos.io/created-at',
  purpose: 'kube-ha-chaos.io/purpose',
} as const;

const CALL_MS = 8_000;

// ---------------------------------------------------------------------------------------------
// Pure: manifests and argv

/** Who deployed the agents: a run on `host`, by PID and start time (a PID alone is reused). */
export interface AgentOwner {
  readonly host: string;
  readonly pid: number;
  readonly startTicks: number;
  readonly createdAt: string;
  /** For people reading the namespace: "npm run preflight". */
  readonly purpose: string;
}

export function agentNamespaceManifest(owner: AgentOwner): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: AGENT_NAMESPACE,
      labels: {
        ...AGENT_LABELS,
        // Pod Security admission: the agents are privileged by design; without this label a cluster
        // that enforces baseline by default refuses them.
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/warn': 'privileged',
        'pod-security.kubernetes.io/audit': 'privileged',
      },
      annotations: {
        [OWNER.host]: owner.host,
        [OWNER.pid]: String(owner.pid),
        [OWNER.startTicks]: String(owner.startTicks),
        [OWNER.createdAt]: owner.createdAt,
        [OWNER.purpose]: owner.purpose,
      },
    },
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Pure: the agent pod's name on `node`: `agent-<node>`, or a cut name with a hash when too long. */
export function agentPodName(node: string): string {
  const plain = `agent-${node}`;
  if (plain.length <= 63 && DNS_LABEL.test(plain)) {
    return plain;
  }
  const hash = createHash('sha256').update(node).digest('hex').slice(0, 8);
  const cut = plain.toLowerCase().replace(/[^-a-z0-9]/g, '-').slice(0, 63 - 9).replace(/-+$/, '');
  return `${cut}-${hash}`;
}

/**
 * Pure: the privileged pod that reaches `node`. Pinned with nodeName (the scheduler is bypassed, so
 * a cordoned or tainted node still gets its agent), tolerating every taint (control-plane NoSchedule,
 * and NoExecute ones such as not-ready, so it is not evicted from a node in trouble), never pulling
 * (the image is loaded onto the nodes, as every image of this project is), no service-account token.
 */
export function agentPodManifest(node: string, image: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: agentPodName(node),
      namespace: AGENT_NAMESPACE,
      labels: { ...AGENT_LABELS },
      annotations: { 'kube-ha-chaos.io/node': node },
    },
    spec: {
      nodeName: node,
      hostPID: true,
      hostNetwork: true,
      hostIPC: false,
      dnsPolicy: 'ClusterFirstWithHostNet',
      restartPolicy: 'Never',
      // PID 1 traps SIGTERM and exits: removal takes about a second, never the full grace period.
      terminationGracePeriodSeconds: 5,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: AGENT_CONTAINER,
          image,
          imagePullPolicy: 'Never',
          securityContext: { privileged: true },
          // Requests small enough for a full node to admit; no limits, because the commands nsenter
          // runs on the node live in this container's cgroup.
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
        },
      ],
    },
  };
}

/** Pure: argv run in the namespaces of the node's PID 1 (see the header). */
export function nsenterArgv(argv: readonly string[]): string[] {
  if (argv.length === 0) {
    throw new Error('agent node access: empty argv');
  }
  return ['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--', ...argv];
}

/** Pure: the kubectl arguments (after kubeconfig, context and request timeout) that run argv on a node. */
export function kubectlExecArgs(pod: string, argv: readonly string[], opts: { readonly stdin: boolean }): string[] {
  return ['exec', '-n', AGENT_NAMESPACE, ...(opts.stdin ? ['-i'] : []), pod, '-c', AGENT_CONTAINER, '--', ...nsenterArgv(argv)];
}

// ---------------------------------------------------------------------------------------------
// Pure: classification

/** Why kubectl itself failed (as opposed to the command on the node exiting non-zero). */
export type ExecProblem = 'forbidden' | 'agent-gone' | 'api-unreachable' | 'kubelet-unreachable' | 'timeout' | 'other';

export type ExecOutcome =
  | { readonly kind: 'remote'; readonly exitCode: number; readonly stderr: string }
  | { readonly kind: 'kubectl'; readonly problem: ExecProblem; readonly message: string };

/** kubectl's own line when the remote command exits non-zero; kubectl then exits with that code. */
const REMOTE_EXIT = /^command terminated with exit code (\d+)\s*$/m;

/** Pure: what a finished `kubectl exec` says happened. */
export function execOutcome(r: Pick<CommandResult, 'exitCode' | 'stderr' | 'timedOut'>): ExecOutcome {
  if (r.timedOut) {
    return { kind: 'kubectl', problem: 'timeout', message: 'no answer before the deadline' };
  }
  if (r.exitCode === 0) {
    return { kind: 'remote', exitCode: 0, stderr: r.stderr };
  }
  const m = REMOTE_EXIT.exec(r.stderr);
  if (m !== null) {
    return { kind: 'remote', exitCode: Number(m[1]), stderr: r.stderr.replace(REMOTE_EXIT, '').trimEnd() };
  }
  return { kind: 'kubectl', problem: classifyKubectlError(r.stderr), message: lastLine(r.stderr) };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return (lines[lines.length - 1] ?? '').trim();
}

/** Pure: kubectl's error text (stderr) as one of the problems a caller acts on. */
export function classifyKubectlError(stderr: string): ExecProblem {
  if (/\(Forbidden\)|is forbidden|cannot create resource "pods\/exec"|cannot get resource "pods\/exec"/i.test(stderr)) {
    return 'forbidden';
  }
  if (/\(NotFound\)|pods? "[^"]+" not found|container not found|container .* is not valid for pod|cannot exec into a container in a completed pod/i.test(stderr)) {
    return 'agent-gone';
  }
  if (/error dialing backend|:10250|kubelet/i.test(stderr)) {
    return 'kubelet-unreachable';
  }
  if (/Unable to connect to the server|The connection to the server .* was refused|connection refused|no route to host|i\/o timeout|EOF$/im.test(stderr)) {
    return 'api-unreachable';
  }
  if (/Timeout|timed out|deadline exceeded/i.test(stderr)) {
    return 'timeout';
  }
  return 'other';
}

interface PodItem {
  readonly metadata?: { readonly name?: string; readonly annotations?: Record<string, string>; readonly deletionTimestamp?: string };
  readonly spec?: { readonly nodeName?: string };
  readonly status?: {
    readonly phase?: string;
    readonly reason?: string;
    readonly message?: string;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string; readonly reason?: string; readonly message?: string }[];
    readonly containerStatuses?: readonly {
      readonly name?: string;
      readonly ready?: boolean;
      readonly state?: {
        readonly waiting?: { readonly reason?: string; readonly message?: string };
        readonly running?: { readonly startedAt?: string };
        readonly terminated?: { readonly reason?: string; readonly exitCode?: number; readonly message?: string };
      };
    }[];
  };
}

export type AgentPodState =
  | { readonly kind: 'ready' }
  | { readonly kind: 'starting'; readonly detail: string }
  | { readonly kind: 'image-missing'; readonly detail: string }
  | { readonly kind: 'failed'; readonly detail: string };

/** Waiting reasons that will not resolve by themselves while we wait (a missing image never appears). */
const IMAGE_MISSING = new Set(['ErrImageNeverPull']);
const STUCK = new Set(['CreateContainerConfigError', 'CreateContainerError', 'InvalidImageName', 'RunContainerError', 'CrashLoopBackOff', 'ImageInspectError']);

/** Pure: one agent pod's state, from its status as the API returns it. */
export function agentPodState(pod: PodItem): AgentPodState {
  const s = pod.status ?? {};
  const c = s.containerStatuses?.find((x) => x.name === AGENT_CONTAINER);
  const waiting = c?.state?.waiting;
  if (waiting?.reason !== undefined && IMAGE_MISSING.has(waiting.reason)) {
    return { kind: 'image-missing', detail: `${waiting.reason}: ${waiting.message ?? ''}`.trim() };
  }
  if (waiting?.reason !== undefined && STUCK.has(waiting.reason)) {
    return { kind: 'failed', detail: `${waiting.reason}: ${waiting.message ?? ''}`.trim() };
  }
  if (s.phase === 'Failed' || s.phase === 'Succeeded') {
    const t = c?.state?.terminated;
    // kubelet admission refusals (OutOfcpu, NodeAffinity, UnexpectedAdmissionError) land here too.
    const why = t !== undefined ? `${t.reason ?? 'terminated'} (exit ${t.exitCode ?? '?'})${t.message ? `: ${t.message}` : ''}` : `${s.reason ?? s.phase}${s.message ? `: ${s.message}` : ''}`;
    return { kind: 'failed', detail: `pod ${s.phase}: ${why}` };
  }
  const ready = s.conditions?.find((x) => x.type === 'Ready');
  if (s.phase === 'Running' && ready?.status === 'True' && c?.ready === true) {
    return { kind: 'ready' };
  }
  return { kind: 'starting', detail: waiting?.reason ?? s.phase ?? 'no status yet' };
}

/** Pure: for a kind node (`<cluster>-control-plane2`, `<cluster>-worker`), the kind cluster's name. */
export function kindClusterOfNode(node: string): string | undefined {
  const m = /^(.+)-(control-plane|worker)\d*$/.exec(node);
  return m?.[1];
}

/** Pure: the one-line error for agent pods whose image is not on their nodes, naming the fix. */
export function imageMissingMessage(image: string, nodes: readonly string[]): string {
  const kindCluster = nodes.map(kindClusterOfNode).find((c) => c !== undefined);
  const kindFix = kindCluster !== undefined
    ? `for kind: \`npx tsx substrate/cli/agent-image.ts --load-into-kind ${kindCluster}\` (= kind load docker-image ${image} --name ${kindCluster})`
    : `for kind: kind load docker-image ${image} --name <cluster>`;
  return `the agent image ${image} is not on node(s) ${nodes.join(', ')} (imagePullPolicy Never): ${kindFix}; otherwise push it to a registry the nodes pull from and pass --agent-image <ref>, or import it into each node's runtime (docker save ${image} | ctr -n k8s.io images import -)`;
}

/** One right the agent access needs, as a SelfSubjectAccessReview asks for it. */
export interface AgentRight {
  readonly verb: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** What deploying, using and removing the agents takes (fixtures/rbac/preflight-agent.yaml grants it). */
export const AGENT_RIGHTS: readonly AgentRight[] = [
  { verb: 'create', resource: 'namespaces' },
  { verb: 'get', resource: 'namespaces', name: AGENT_NAMESPACE },
  { verb: 'delete', resource: 'namespaces', name: AGENT_NAMESPACE },
  { verb: 'create', resource: 'pods', namespace: AGENT_NAMESPACE },
  { verb: 'list', resource: 'pods', namespace: AGENT_NAMESPACE },
  // kubectl exec reads the pod first (to pick the container).
  { verb: 'get', resource: 'pods', namespace: AGENT_NAMESPACE },
  { verb: 'create', resource: 'pods', subresource: 'exec', namespace: AGENT_NAMESPACE },
];

export function describeRight(r: AgentRight): string {
  const res = r.subresource === undefined ? r.resource : `${r.resource}/${r.subresource}`;
  return `${r.verb} ${res}${r.name === undefined ? '' : ` ${r.name}`}${r.namespace === undefined ? '' : ` in ${r.namespace}`}`;
}

export function accessReviewBody(r: AgentRight): Record<string, unknown> {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: {
      resourceAttributes: {
        group: '',
        verb: r.verb,
        resource: r.resource,
        ...(r.subresource === undefined ? {} : { subresource: r.subresource }),
        ...(r.namespace === undefined ? {} : { namespace: r.namespace }),
        ...(r.name === undefined ? {} : { name: r.name }),
      },
    },
  };
}

/** Pure: the one-line error for a user who lacks `missing`. */
export function missingRightsMessage(user: string, missing: readonly AgentRight[]): string {
  return `${user} may not ${missing.map(describeRight).join(', ')}: --nodes agent deploys one privileged pod per node in namespace ${AGENT_NAMESPACE}; grant the ClusterRole in ${AGENT_RBAC_FIXTURE} (kubectl apply -f ${AGENT_RBAC_FIXTURE}) or use --nodes none; nothing was created`;
}

/** What to do about an existing agent namespace, before deploying. */
export type LeftoverDecision =
  | { readonly kind: 'absent' }
  | { readonly kind: 'terminating' }
  /** Deployed by a run that is gone (its process on this host has exited, or it is long past): remove. */
  | { readonly kind: 'stale'; readonly owner: string }
  /** A live run's agents: do not touch them. */
  | { readonly kind: 'busy'; readonly owner: string }
  /** Not ours (no managed-by label): never touch it. */
  | { readonly kind: 'foreign' };

/** An owner on another host is only presumed gone after this long (a preflight takes seconds). */
export const FOREIGN_OWNER_STALE_MS = 30 * 60_000;

interface NamespaceItem {
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string>; readonly deletionTimestamp?: string };
  readonly status?: { readonly phase?: string };
}

/** Pure: decide about the namespace found (`ns`, or null when there is none). */
export function leftoverDecision(
  ns: NamespaceItem | null,
  here: { readonly host: string; readonly nowMs: number; readonly isAlive: (pid: number, startTicks: number) => boolean },
): LeftoverDecision {
  if (ns === null) {
    return { kind: 'absent' };
  }
  const labels = ns.metadata?.labels ?? {};
  if (labels['app.kubernetes.io/managed-by'] !== AGENT_LABELS['app.kubernetes.io/managed-by'] || labels['app.kubernetes.io/name'] !== AGENT_LABELS['app.kubernetes.io/name']) {
    return { kind: 'foreign' };
  }
  if (ns.metadata?.deletionTimestamp !== undefined || ns.status?.phase === 'Terminating') {
    return { kind: 'terminating' };
  }
  const a = ns.metadata?.annotations ?? {};
  const host = a[OWNER.host] ?? '?';
  const pid = Number(a[OWNER.pid]);
  const ticks = Number(a[OWNER.startTicks]);
  const created = Date.parse(a[OWNER.createdAt] ?? '');
  const owner = `${a[OWNER.purpose] ?? 'a run'} (pid ${Number.isFinite(pid) ? pid : '?'} on ${host}, since ${a[OWNER.createdAt] ?? '?'})`;
  if (host === here.host && Number.isFinite(pid) && Number.isFinite(ticks)) {
    return here.isAlive(pid, ticks) ? { kind: 'busy', owner } : { kind: 'stale', owner };
  }
  if (Number.isFinite(created) && here.nowMs - created > FOREIGN_OWNER_STALE_MS) {
    return { kind: 'stale', owner };
  }
  return { kind: 'busy', owner };
}

// ---------------------------------------------------------------------------------------------
// I/O

export type AgentErrorKind = 'rbac' | 'image-missing' | 'busy' | 'foreign' | 'not-ready' | 'admission' | 'removal' | 'exec';

/** A one-line, user-facing failure of the agent access. */
export class AgentError extends Error {
  override readonly name = 'AgentError';
  constructor(
    readonly kind: AgentErrorKind,
    message: string,
  ) {
    super(message);
  }
}

const enc = encodeURIComponent;
const ALL_EXIT_CODES: readonly number[] = Array.from({ length: 256 }, (_, i) => i);

async function getNamespace(creds: KubeApiCredentials): Promise<NamespaceItem | null> {
  const what = `get namespace ${AGENT_NAMESPACE}`;
  const res = await kubeRequest(creds, { method: 'GET', path: `/api/v1/namespaces/${enc(AGENT_NAMESPACE)}`, timeoutMs: CALL_MS });
  if (res.status === 404) {
    return null;
  }
  expectStatus(res, 'read', what);
  return parseJson<NamespaceItem>(res, what);
}

/** The rights of AGENT_RIGHTS the credentials lack (SelfSubjectAccessReview: creates no object). */
export async function missingAgentRights(creds: KubeApiCredentials): Promise<AgentRight[]> {
  const missing: AgentRight[] = [];
  for (const r of AGENT_RIGHTS) {
    const what = `review access: ${describeRight(r)}`;
    const res = await kubeRequest(creds, { method: 'POST', path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', body: accessReviewBody(r), timeoutMs: CALL_MS });
    expectStatus(res, 'read', what);
    if (parseJson<{ status?: { allowed?: boolean } }>(res, what).status?.allowed !== true) {
      missing.push(r);
    }
  }
  return missing;
}

/** What a removal did, for the report. */
export interface AgentRemoval {
  /** True when the namespace and every pod in it are gone (verified by reading them back). */
  readonly removed: boolean;
  readonly tookMs: number;
  readonly detail: string;
}

/**
 * Delete the agent namespace and wait until it is gone (the API removes it only after every pod in
 * it is deleted, and a pod only after the kubelet confirmed its containers stopped). Idempotent: no
 * namespace is success. Never touches a namespace that is not ours.
 */
export async function removeAgents(creds: KubeApiCredentials, opts: { readonly timeoutMs: number }): Promise<AgentRemoval> {
  const t0 = performance.now();
  const ns = await getNamespace(creds);
  if (ns === null) {
    return { removed: true, tookMs: Math.round(performance.now() - t0), detail: `namespace ${AGENT_NAMESPACE} absent` };
  }
  if (leftoverDecision(ns, { host: '', nowMs: 0, isAlive: () => true }).kind === 'foreign') {
    throw new AgentError('foreign', `namespace ${AGENT_NAMESPACE} exists but was not created by kube-ha-chaos (no managed-by label): not deleting it`);
  }
  if (ns.metadata?.deletionTimestamp === undefined) {
    const res = await kubeRequest(creds, { method: 'DELETE', path: `/api/v1/namespaces/${enc(AGENT_NAMESPACE)}`, timeoutMs: CALL_MS });
    expectStatus(res, 'write', `delete namespace ${AGENT_NAMESPACE}`, [404]);
  }
  const deadline = t0 + opts.timeoutMs;
  while (performance.now() < deadline) {
    if ((await getNamespace(creds)) === null) {
      return { removed: true, tookMs: Math.round(performance.now() - t0), detail: `namespace ${AGENT_NAMESPACE} and its pods deleted` };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new AgentError('removal', `namespace ${AGENT_NAMESPACE} still exists ${opts.timeoutMs} ms after its deletion: check it with \`kubectl get pods -n ${AGENT_NAMESPACE}\` and delete it by hand (kubectl delete namespace ${AGENT_NAMESPACE})`);
}

class AgentNode implements ClusterNode {
  readonly #internalIp: string;
  readonly #kubectl: KubectlContext;

  constructor(
    readonly name: string,
    readonly roles: readonly NodeRole[],
    readonly pod: string,
    internalIp: string,
    kubectlContext: KubectlContext,
  ) {
    this.#internalIp = internalIp;
    this.#kubectl = kubectlContext;
  }

  /** The node's InternalIP as the API listed it at deploy time (kept: it must answer while the API is down). */
  address(): Promise<string> {
    return Promise.resolve(this.#internalIp);
  }

  async run(argv: readonly string[], opts: RunOptions): Promise<CommandResult> {
    const stdin = opts.stdin !== undefined;
    // Every exit code is taken here: kubectl's own failures and the remote command's exit share
    // the exit status, and only the stderr tells them apart (execOutcome). A timeout still throws
    // the command layer's CommandError (command, duration, stderr).
    const result = await kubectl(this.#kubectl, kubectlExecArgs(this.pod, argv, { stdin }), {
      timeoutMs: opts.timeoutMs,
      ...(opts.stdin === undefined ? {} : { stdin: opts.stdin }),
      okExitCodes: ALL_EXIT_CODES,
    });
    const outcome = execOutcome(result);
    if (outcome.kind === 'kubectl') {
      const hint = outcome.problem === 'forbidden'
        ? `: this user may not exec into the agents (grant ${AGENT_RBAC_FIXTURE})`
        : outcome.problem === 'agent-gone'
          ? `: the agent pod ${AGENT_NAMESPACE}/${this.pod} is gone`
          : outcome.problem === 'api-unreachable' || outcome.problem === 'kubelet-unreachable'
            ? ': the agent access needs the Kubernetes API and the node\'s kubelet to answer'
            : '';
      throw new AgentError('exec', `${argv.join(' ')} on ${this.name} through its agent: ${outcome.problem}: ${outcome.message}${hint}`);
    }
    const remote: CommandResult = { ...result, exitCode: outcome.exitCode, stderr: outcome.stderr };
    if (!(opts.okExitCodes ?? [0]).includes(outcome.exitCode)) {
      throw new CommandError(remote);
    }
    return remote;
  }
}

export interface AgentTarget {
  readonly name: string;
  readonly roles: readonly NodeRole[];
  readonly internalIp: string;
}

export interface DeployAgentsOptions {
  readonly creds: KubeApiCredentials;
  /** kubectl with the user's kubeconfig and context (the same user as `creds`). */
  readonly kubectl: KubectlContext;
  readonly image: string;
  readonly nodes: readonly AgentTarget[];
  /** How long the pods may take to become Ready (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** What the namespace says deployed it ("npm run preflight"). */
  readonly purpose: string;
  /**
   * Called as soon as the namespace exists (before any pod): from then on the caller's removal must
   * run however the run ends. Not called when nothing was created (missing rights, a busy namespace).
   */
  readonly onCreated?: () => void;
  readonly say?: (line: string) => void;
}

/** Agents that are running: a NodeProvider over them, what was created, and how to remove it. */
export interface AgentDeployment {
  readonly provider: NodeProvider;
  readonly nodes: readonly ClusterNode[];
  /** Objects created on the cluster, for the report ("namespace/kube-ha-chaos-agent", "pod/..."). */
  readonly created: readonly string[];
  /** A leftover of an earlier run that was removed first, if any. */
  readonly removedLeftover?: string;
  readonly deployMs: number;
}

/**
 * Before creating anything: are the rights there, and is the namespace free? Removes the agents of a
 * run that is gone (idempotent cleanup on the next start); refuses a live run's or a foreign namespace.
 * Returns the owner of a leftover it removed.
 */
export async function prepareAgentNamespace(creds: KubeApiCredentials, say: (line: string) => void): Promise<string | undefined> {
  const missing = await missingAgentRights(creds);
  if (missing.length > 0) {
    throw new AgentError('rbac', missingRightsMessage(`the kubeconfig user of context ${creds.contextName}`, missing));
  }
  const decision = leftoverDecision(await getNamespace(creds), {
    host: hostname(),
    nowMs: Date.now(),
    isAlive: (pid, startTicks) => isSameProcessAlive({ pid, startTicks }),
  });
  switch (decision.kind) {
    case 'absent':
      return undefined;
    case 'foreign':
      throw new AgentError('foreign', `namespace ${AGENT_NAMESPACE} exists but was not created by kube-ha-chaos: rename or remove it, nothing was created`);
    case 'busy':
      throw new AgentError('busy', `the agents in ${AGENT_NAMESPACE} belong to ${decision.owner}, still running: wait for it to end; if it is gone, \`kubectl delete namespace ${AGENT_NAMESPACE}\`; nothing was created`);
    case 'terminating':
      say(`namespace ${AGENT_NAMESPACE} is being deleted (an earlier run's agents): waiting for it`);
      await removeAgents(creds, { timeoutMs: 90_000 });
      return 'a namespace already being deleted';
    case 'stale':
      say(`removing leftover agents of ${decision.owner}`);
      await removeAgents(creds, { timeoutMs: 90_000 });
      return decision.owner;
  }
}

async function createObject(creds: KubeApiCredentials, path: string, body: Record<string, unknown>, what: string): Promise<void> {
  const res = await kubeRequest(creds, { method: 'POST', path, body, timeoutMs: CALL_MS });
  if (res.status === 403) {
    const s = parseStatusBody(res.body);
    const msg = s.message ?? res.body;
    if (/PodSecurity|admission webhook|denied the request/i.test(msg)) {
      throw new AgentError('admission', `${what}: the cluster's admission refused it (${msg.replace(/\s+/g, ' ').slice(0, 300)}): exempt namespace ${AGENT_NAMESPACE} from that policy for privileged pods`);
    }
    throw new AgentError('rbac', `${what}: forbidden (${msg.replace(/\s+/g, ' ').slice(0, 200)}): grant the ClusterRole in ${AGENT_RBAC_FIXTURE}`);
  }
  if (res.status === 409) {
    // Another run created it between our check and now: theirs, not ours to remove.
    throw new AgentError('busy', `${what}: it appeared while this run was starting (another run?): nothing was created, try again when it has ended`);
  }
  expectStatus(res, 'write', what);
}

async function listAgentPods(creds: KubeApiCredentials): Promise<PodItem[]> {
  const what = `list pods in ${AGENT_NAMESPACE}`;
  const q = new URLSearchParams({ labelSelector: AGENT_SELECTOR });
  const res = await kubeRequest(creds, { method: 'GET', path: `/api/v1/namespaces/${enc(AGENT_NAMESPACE)}/pods?${q.toString()}`, timeoutMs: CALL_MS });
  expectStatus(res, 'read', what);
  return parseJson<{ items?: PodItem[] }>(res, what).items ?? [];
}

/**
 * Create the namespace and one agent per node, and wait until every agent is Ready. The caller must
 * have registered the removal (removeAgents) before calling: on any failure here the agents created
 * so far are left for that removal, and the error says what went wrong in one line.
 */
export async function deployAgents(o: DeployAgentsOptions): Promise<AgentDeployment> {
  const t0 = performance.now();
  const say = o.say ?? ((): void => undefined);
  if (o.nodes.length === 0) {
    throw new AgentError('not-ready', 'no nodes to deploy agents on');
  }
  const removedLeftover = await prepareAgentNamespace(o.creds, say);
  const me = processIdentity(process.pid);
  const owner: AgentOwner = { host: hostname(), pid: process.pid, startTicks: me?.startTicks ?? NaN, createdAt: new Date().toISOString(), purpose: o.purpose };
  const created: string[] = [];
  await createObject(o.creds, '/api/v1/namespaces', agentNamespaceManifest(owner), `create namespace ${AGENT_NAMESPACE}`);
  created.push(`namespace/${AGENT_NAMESPACE}`);
  o.onCreated?.();
  for (const n of o.nodes) {
    await createObject(o.creds, `/api/v1/namespaces/${enc(AGENT_NAMESPACE)}/pods`, agentPodManifest(n.name, o.image), `create agent pod on ${n.name}`);
    created.push(`pod/${agentPodName(n.name)}`);
  }
  const deadline = performance.now() + (o.readyTimeoutMs ?? 60_000);
  const byPod = new Map(o.nodes.map((n) => [agentPodName(n.name), n.name]));
  let last = '';
  for (;;) {
    const pods = await listAgentPods(o.creds);
    const states = [...byPod.keys()].map((name) => {
      const pod = pods.find((p) => p.metadata?.name === name);
      return { name, node: byPod.get(name) ?? name, state: pod === undefined ? ({ kind: 'starting', detail: 'not listed yet' } as const) : agentPodState(pod) };
    });
    const missing = states.filter((s) => s.state.kind === 'image-missing');
    if (missing.length > 0) {
      throw new AgentError('image-missing', imageMissingMessage(o.image, missing.map((s) => s.node)));
    }
    const failed = states.find((s) => s.state.kind === 'failed');
    if (failed !== undefined && failed.state.kind === 'failed') {
      throw new AgentError('not-ready', `the agent on ${failed.node} failed: ${failed.state.detail}`);
    }
    if (states.every((s) => s.state.kind === 'ready')) {
      break;
    }
    last = states.filter((s) => s.state.kind === 'starting').map((s) => `${s.node}: ${s.state.kind === 'starting' ? s.state.detail : ''}`).join(', ');
    if (performance.now() > deadline) {
      throw new AgentError('not-ready', `the agents were not Ready within ${Math.round((o.readyTimeoutMs ?? 60_000) / 1000)} s (${last}): check \`kubectl get pods -n ${AGENT_NAMESPACE} -o wide\``);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const nodes = o.nodes.map((n) => new AgentNode(n.name, n.roles, agentPodName(n.name), n.internalIp, o.kubectl));
  const provider: NodeProvider = {
    kind: 'agent',
    description: `agent pods in ${AGENT_NAMESPACE} on ${o.nodes.length} node(s) of context ${o.creds.contextName}`,
    // A pod cannot pause, stop or power-cycle the machine it runs on from outside: no power.
    capabilities: { power: [] },
    listNodes: (): Promise<ListedNode[]> => Promise.resolve([...nodes].sort((a, b) => a.name.localeCompare(b.name)).map((node) => ({ node }))),
  };
  return { provider, nodes, created, ...(removedLeftover === undefined ? {} : { removedLeftover }), deployMs: Math.round(performance.now() - t0) };
}

/** True for errors this module raises with a message meant for the user as it is. */
export function isAgentError(e: unknown): e is AgentError {
  return e instanceof AgentError;
}
