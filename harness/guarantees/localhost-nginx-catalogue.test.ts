import { describe, expect, it } from 'vitest';
import { LOCALHOST_NGINX_IDS, localhostNginxCatalogue } from './localhost-nginx-catalogue.js';
import { KUBESPRAY_NGINX } from '../../substrate/cluster/localhost-lb.js';

describe('localhost-nginx catalogue entries', () => {
  const entries = localhostNginxCatalogue({ settings: KUBESPRAY_NGINX, upstreams: 3, outageMs: 35_000, clientTimeoutMs: 2_000 });
  it('has one entry per id, with sources, derived from the settings', () => {
    expect(entries.map((e) => e.id)).toEqual([...LOCALHOST_NGINX_IDS]);
    expect(entries.every((e) => e.source.startsWith('https://'))).toBe(true);
    expect(entries[0]?.expected.maxClientErrors).toBe(0);
    expect(entries[0]?.statement).toContain('max_fails=1');
    expect(entries[1]?.expected.extraLatencyMs).toBe(1_000);
  });
  it('promises nothing for a hung apiserver (a client error there is a finding)', () => {
    const hang = entries[2];
    expect(hang?.promised).toBe(false);
    expect(hang?.expected.detectedByNginx).toBe(false);
  });
});
