import { describe, expect, it } from 'vitest';
import {
  accessReviewBody,
  AGENT_NAMESPACE,
  AGENT_RIGHTS,
  agentNamespaceManifest,
  agentPodManifest,
  agentPodName,
  agentPodState,
  classifyKubectlError,
  execOutcome,
  FOREIGN_OWNER_STALE_MS,
  imageMissingMessage,
  kindClusterOfNode,
  kubectlExecArgs,
  leftoverDecision,
  missingRightsMessage,
  nsenterArgv,
} from './agent-node-access.js';

const IMAGE = 'kube-ha-chaos.local/agent:d3603ed6dd721605';

describe('agentPodManifest', () => {
  const pod = agentPodManifest('kube-ha-chaos-control-plane2', IMAGE) as {
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: Record<string, unknown> & { containers: Record<string, unknown>[]; tolerations: unknown[] };
  };
  it('is pinned to its node, with the node\'s PID and network namespaces, privileged, never pulling', () => {
    expect(pod.metadata).toMatchObject({ name: 'agent-kube-ha-chaos-control-plane2', namespace: AGENT_NAMESPACE });
    expect(pod.spec).toMatchObject({ nodeName: 'kube-ha-chaos-control-plane2', hostPID: true, hostNetwork: true, automountServiceAccountToken: false, restartPolicy: 'Never' });
    expect(pod.spec.containers).toEqual([expect.objectContaining({ name: 'agent', image: IMAGE, imagePullPolicy: 'Never', securityContext: { privileged: true } })]);
  });
  it('tolerates every taint, so control planes (NoSchedule) and troubled nodes (NoExecute) keep their agent', () => {
    expect(pod.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });
  it('sets no resource limits: what nsenter runs on the node lives in this cgroup', () => {
    expect(pod.spec.containers[0]?.['resources']).toEqual({ requests: { cpu: '10m', memory: '16Mi' } });
  });
  it('is found by the label the namespace and the removal use', () => {
    expect(pod.metadata.labels['app.kubernetes.io/managed-by']).toBe('kube-ha-chaos');
  });
});

describe('agentPodName', () => {
  it('is agent-<node> for ordinary node names', () => {
    expect(agentPodName('kube-ha-chaos-worker')).toBe('agent-kube-ha-chaos-worker');
  });
  it('cuts and hashes node names that are no DNS label (FQDNs, long names), still distinct', () => {
    const a = agentPodName('ip-10-0-12-34.eu-west-1.compute.internal');
    const b = agentPodName('ip-10-0-12-35.eu-west-1.compute.internal');
    for (const n of [a, b, agentPodName(`node-${'x'.repeat(80)}`)]) {
      expect(n).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(n.length).toBeLessThanOrEqual(63);
    }
    expect(a).not.toBe(b);
  });
});

describe('agentNamespaceManifest', () => {
  it('allows privileged pods under Pod Security admission and names its owner', () => {
    const ns = agentNamespaceManifest({ host: 'ci-runner-7', pid: 4242, startTicks: 123456, createdAt: '2026-12-07T09:30:00.000Z', purpose: 'npm run preflight' }) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } };
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations).toMatchObject({ 'kube-ha-chaos.io/owner-host': 'ci-runner-7', 'kube-ha-chaos.io/owner-pid': '4242', 'kube-ha-chaos.io/owner-start-ticks': '123456' });
  });
});

describe('nsenter and kubectl exec argv', () => {
  it('enters PID 1\'s mount, UTS, IPC, network and PID namespaces, argv after --', () => {
    expect(nsenterArgv(['cat', '/etc/kubernetes/pki/etcd/ca.crt'])).toEqual(['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--', 'cat', '/etc/kubernetes/pki/etcd/ca.crt']);
  });
  it('keeps argv as separate arguments (no shell), and an argv that starts with a dash stays argv', () => {
    expect(nsenterArgv(['-x'])).toEqual(['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--', '-x']);
    expect(() => nsenterArgv([])).toThrow(/empty argv/);
  });
  it('attaches stdin only when there is some', () => {
    expect(kubectlExecArgs('agent-n1', ['ps'], { stdin: false })).toEqual(['exec', '-n', AGENT_NAMESPACE, 'agent-n1', '-c', 'agent', '--', 'nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--', 'ps']);
    expect(kubectlExecArgs('agent-n1', ['cp', '/dev/stdin', '/tmp/x'], { stdin: true }).slice(0, 4)).toEqual(['exec', '-n', AGENT_NAMESPACE, '-i']);
  });
});

describe('execOutcome: the remote exit against kubectl\'s own failures', () => {
  it('takes the remote command\'s exit code from kubectl\'s "command terminated" line, and drops that line', () => {
    expect(execOutcome({ exitCode: 2, timedOut: false, stderr: 'ls: cannot access \'/etc/kubernetes/manifests\': No such file or directory\ncommand terminated with exit code 2\n' })).toEqual({
      kind: 'remote',
      exitCode: 2,
      stderr: 'ls: cannot access \'/etc/kubernetes/manifests\': No such file or directory',
    });
    expect(execOutcome({ exitCode: 0, timedOut: false, stderr: '' })).toEqual({ kind: 'remote', exitCode: 0, stderr: '' });
  });
  it('a missing program on the node is a remote exit too (nsenter: 127)', () => {
    expect(execOutcome({ exitCode: 127, timedOut: false, stderr: 'nsenter: failed to execute crictl: No such file or directory\ncommand terminated with exit code 127\n' })).toMatchObject({ kind: 'remote', exitCode: 127 });
  });
  it('an exit 1 without that line is kubectl failing, not the command', () => {
    const o = execOutcome({ exitCode: 1, timedOut: false, stderr: 'Error from server (NotFound): pods "agent-kube-ha-chaos-control-plane" not found\n' });
    expect(o).toEqual({ kind: 'kubectl', problem: 'agent-gone', message: 'Error from server (NotFound): pods "agent-kube-ha-chaos-control-plane" not found' });
  });
  it('a timeout is never a remote exit', () => {
    expect(execOutcome({ exitCode: 128, timedOut: true, stderr: '' })).toMatchObject({ kind: 'kubectl', problem: 'timeout' });
  });
});

describe('classifyKubectlError on kubectl\'s real messages', () => {
  it.each([
    ['Error from server (Forbidden): pods "agent-kube-ha-chaos-worker" is forbidden: User "system:serviceaccount:kube-system:kube-ha-chaos-preflight" cannot create resource "pods/exec" in API group "" in the namespace "kube-ha-chaos-agent"', 'forbidden'],
    ['error: unable to upgrade connection: container not found ("agent")', 'agent-gone'],
    ['error: cannot exec into a container in a completed pod; current phase is Succeeded', 'agent-gone'],
    ['The connection to the server 127.0.0.1:38913 was refused - did you specify the right host or port?', 'api-unreachable'],
    ['Unable to connect to the server: dial tcp 10.0.0.10:6443: i/o timeout', 'api-unreachable'],
    ['Error from server: error dialing backend: dial tcp 172.18.0.5:10250: connect: connection refused', 'kubelet-unreachable'],
    ['error: Timeout occurred', 'timeout'],
    ['error: something new', 'other'],
  ] as const)('%s -> %s', (stderr, problem) => {
    expect(classifyKubectlError(stderr)).toBe(problem);
  });
});

describe('agentPodState', () => {
  const ready = {
    metadata: { name: 'agent-kube-ha-chaos-control-plane' },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }, { type: 'ContainersReady', status: 'True' }, { type: 'PodScheduled', status: 'True' }],
      containerStatuses: [{ name: 'agent', ready: true, state: { running: { startedAt: '2026-12-07T09:31:02Z' } } }],
    },
  };
  it('is ready when running with its Ready condition', () => {
    expect(agentPodState(ready)).toEqual({ kind: 'ready' });
  });
  it('says the image is missing when kubelet will not pull it (imagePullPolicy Never)', () => {
    const s = agentPodState({
      status: {
        phase: 'Pending',
        conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [agent]' }],
        containerStatuses: [{ name: 'agent', ready: false, state: { waiting: { reason: 'ErrImageNeverPull', message: `Container image "${IMAGE}" is not present with pull policy of Never` } } }],
      },
    });
    expect(s).toEqual({ kind: 'image-missing', detail: `ErrImageNeverPull: Container image "${IMAGE}" is not present with pull policy of Never` });
  });
  it('is starting while the container is being created, or before any status', () => {
    expect(agentPodState({ status: { phase: 'Pending', containerStatuses: [{ name: 'agent', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] } })).toEqual({ kind: 'starting', detail: 'ContainerCreating' });
    expect(agentPodState({})).toEqual({ kind: 'starting', detail: 'no status yet' });
  });
  it('fails on a kubelet admission refusal or an exited agent', () => {
    expect(agentPodState({ status: { phase: 'Failed', reason: 'OutOfcpu', message: 'Pod was rejected: Node didn\'t have enough resource: cpu, requested: 10, used: 1990, capacity: 2000' } })).toMatchObject({ kind: 'failed', detail: expect.stringContaining('OutOfcpu') });
    expect(agentPodState({ status: { phase: 'Failed', containerStatuses: [{ name: 'agent', state: { terminated: { reason: 'Error', exitCode: 127 } } }] } })).toEqual({ kind: 'failed', detail: 'pod Failed: Error (exit 127)' });
  });
});

describe('imageMissingMessage', () => {
  it('names the kind fix with the cluster read off kind\'s node names', () => {
    expect(kindClusterOfNode('kube-ha-chaos-control-plane3')).toBe('kube-ha-chaos');
    expect(kindClusterOfNode('ip-10-0-1-2.ec2.internal')).toBeUndefined();
    const m = imageMissingMessage(IMAGE, ['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2']);
    expect(m).toContain(`kind load docker-image ${IMAGE} --name kube-ha-chaos`);
    expect(m).toContain('--agent-image');
    expect(m.includes('\n')).toBe(false);
  });
  it('gives the general fix for other clusters', () => {
    expect(imageMissingMessage(IMAGE, ['ip-10-0-1-2.ec2.internal'])).toContain('ctr -n k8s.io images import');
  });
});

describe('rights', () => {
  it('asks one SelfSubjectAccessReview per right, exec as a subresource of pods in our namespace', () => {
    const exec = AGENT_RIGHTS.find((r) => r.subresource === 'exec');
    expect(exec).toBeDefined();
    expect(accessReviewBody(exec ?? AGENT_RIGHTS[0]!)).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { group: '', verb: 'create', resource: 'pods', subresource: 'exec', namespace: AGENT_NAMESPACE } },
    });
  });
  it('a user without them gets one line naming the missing rights, the fixture, and that nothing was created', () => {
    const m = missingRightsMessage('the kubeconfig user of context preflight', AGENT_RIGHTS.filter((r) => r.verb === 'create'));
    expect(m).toBe(
      'the kubeconfig user of context preflight may not create namespaces, create pods in kube-ha-chaos-agent, create pods/exec in kube-ha-chaos-agent: --nodes agent deploys one privileged pod per node in namespace kube-ha-chaos-agent; grant the ClusterRole in fixtures/rbac/preflight-agent.yaml (kubectl apply -f fixtures/rbac/preflight-agent.yaml) or use --nodes none; nothing was created',
    );
  });
});

describe('leftoverDecision', () => {
  const ours = (annotations: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    metadata: { labels: { 'app.kubernetes.io/name': 'kube-ha-chaos-agent', 'app.kubernetes.io/managed-by': 'kube-ha-chaos' }, annotations, ...extra },
    status: { phase: 'Active' },
  });
  const owner = { 'kube-ha-chaos.io/owner-host': 'vm1', 'kube-ha-chaos.io/owner-pid': '4242', 'kube-ha-chaos.io/owner-start-ticks': '99', 'kube-ha-chaos.io/created-at': '2026-12-07T09:00:00.000Z', 'kube-ha-chaos.io/purpose': 'npm run preflight' };
  const now = Date.parse('2026-12-07T09:05:00.000Z');
  it('is absent without a namespace', () => {
    expect(leftoverDecision(null, { host: 'vm1', nowMs: now, isAlive: () => true })).toEqual({ kind: 'absent' });
  });
  it('removes the agents of a run on this host whose process is gone (killed with SIGKILL)', () => {
    expect(leftoverDecision(ours(owner), { host: 'vm1', nowMs: now, isAlive: () => false })).toMatchObject({ kind: 'stale', owner: expect.stringContaining('pid 4242 on vm1') });
  });
  it('leaves a live run\'s agents alone', () => {
    expect(leftoverDecision(ours(owner), { host: 'vm1', nowMs: now, isAlive: (pid, ticks) => pid === 4242 && ticks === 99 })).toMatchObject({ kind: 'busy' });
  });
  it('presumes another host\'s run gone only after a long time', () => {
    expect(leftoverDecision(ours(owner), { host: 'laptop', nowMs: now, isAlive: () => false })).toMatchObject({ kind: 'busy' });
    expect(leftoverDecision(ours(owner), { host: 'laptop', nowMs: Date.parse(owner['kube-ha-chaos.io/created-at']) + FOREIGN_OWNER_STALE_MS + 1, isAlive: () => false })).toMatchObject({ kind: 'stale' });
  });
  it('waits for a namespace being deleted, and never touches one that is not ours', () => {
    expect(leftoverDecision(ours(owner, { deletionTimestamp: '2026-12-07T09:04:59Z' }), { host: 'vm1', nowMs: now, isAlive: () => true })).toEqual({ kind: 'terminating' });
    expect(leftoverDecision({ metadata: { labels: { team: 'infra' } } }, { host: 'vm1', nowMs: now, isAlive: () => false })).toEqual({ kind: 'foreign' });
  });
});
