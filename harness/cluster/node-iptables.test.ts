import { describe, expect, it } from 'vitest';
import { CHAOS_CHAIN, partitionRules } from './node-iptables.js';

describe('partitionRules', () => {
  it('drops both directions to every peer on the given ports, from a chain jumped to first', () => {
    const rules = partitionRules(['172.18.0.3', '172.18.0.5'], [2380]).split('\n');
    expect(rules[0]).toBe('*filter');
    expect(rules).toContain(`:${CHAOS_CHAIN} - [0:0]`);
    expect(rules).toContain(`-I INPUT 1 -j ${CHAOS_CHAIN}`);
    expect(rules).toContain(`-I OUTPUT 1 -j ${CHAOS_CHAIN}`);
    const drops = rules.filter((r) => r.endsWith('-j DROP'));
    expect(drops).toEqual([
      `-A ${CHAOS_CHAIN} -s 172.18.0.3/32 -p tcp -m multiport --ports 2380 -j DROP`,
      `-A ${CHAOS_CHAIN} -d 172.18.0.3/32 -p tcp -m multiport --ports 2380 -j DROP`,
      `-A ${CHAOS_CHAIN} -s 172.18.0.5/32 -p tcp -m multiport --ports 2380 -j DROP`,
      `-A ${CHAOS_CHAIN} -d 172.18.0.5/32 -p tcp -m multiport --ports 2380 -j DROP`,
    ]);
    expect(rules.at(-2)).toBe('COMMIT');
  });
});
