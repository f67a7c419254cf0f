import { describe, expect, it } from 'vitest';
import { AGENT_ENTRYPOINT, AGENT_REPOSITORY, AGENT_ROOTS, agentImageKey, agentImageSpec } from './agent-image.js';

describe('the agent image', () => {
  it('is keyed by the rootfs it is cut from: same rootfs, same image; new rootfs, new image', () => {
    expect(agentImageKey('86e26d594939d55f')).toBe(agentImageKey('86e26d594939d55f'));
    expect(agentImageKey('86e26d594939d55f')).not.toBe(agentImageKey('0000000000000000'));
    expect(agentImageKey('86e26d594939d55f')).toMatch(/^[0-9a-f]{16}$/);
  });
  it('holds nsenter, iptables and procps, and an entrypoint that exits on SIGTERM', () => {
    expect(AGENT_ROOTS).toEqual(expect.arrayContaining(['util-linux', 'iptables', 'procps']));
    expect(AGENT_ENTRYPOINT).toMatch(/^#!\/bin\/sh\n/);
    expect(AGENT_ENTRYPOINT).toContain("trap 'exit 0' TERM");
  });
  it('is named under a domain of ours, so containerd keeps the exact name kubelet asks for', () => {
    const spec = agentImageSpec({ key: '86e26d594939d55f', nodeTar: '/x/node.tar', iptablesTar: '/x/i.tar', haproxyTar: '/x/h.tar' }, '/x/agent.tar');
    expect(spec.ref).toBe(`${AGENT_REPOSITORY}:${agentImageKey('86e26d594939d55f')}`);
    expect(spec.ref.startsWith('kube-ha-chaos.local/')).toBe(true);
    expect(spec.config).toContain('ENTRYPOINT ["/usr/local/bin/kube-ha-chaos-agent"]');
  });
});
