import { describe, expect, it } from 'vitest';
import { packageClosure, parseDepends } from './debian-packages.js';

// Fields as `dpkg-query -W -f '${Pre-Depends}, ${Depends}'` prints them on Debian bookworm.
const installed = new Set(['libc6', 'libgcc-s1', 'libip4tc2', 'libip6tc2', 'libnftnl11', 'libxtables12', 'netbase', 'libmnl0', 'iptables', 'debconf']);
const fields: Record<string, string> = {
  iptables: 'libc6 (>= 2.34), libip4tc2 (= 1.8.9-2), libip6tc2 (= 1.8.9-2), libnftnl11 (>= 1.2.2), libxtables12 (= 1.8.9-2), netbase, libnetfilter-conntrack3 (>= 1.0.6) | libmnl0',
  libnftnl11: 'libc6 (>= 2.14), libmnl0 (>= 1.0.3-4~)',
  libc6: 'libgcc-s1',
  'libgcc-s1': 'libc6 (>= 2.35)',
  netbase: 'debconf (>= 0.5) | debconf-2.0',
};

describe('parseDepends', () => {
  it('drops versions and takes the first installed alternative', () => {
    const deps = parseDepends(fields['iptables'] ?? '', (n) => installed.has(n));
    expect(deps).toEqual(['libc6', 'libip4tc2', 'libip6tc2', 'libnftnl11', 'libxtables12', 'netbase', 'libmnl0']);
  });
  it('skips a clause none of whose alternatives is installed and handles arch qualifiers', () => {
    expect(parseDepends('python3:any (>= 3.9), libfoo1 | libbar2', (n) => n === 'python3')).toEqual(['python3']);
    expect(parseDepends('', () => true)).toEqual([]);
  });
});

describe('packageClosure', () => {
  it('follows dependencies transitively and terminates on cycles', () => {
    const dependsOf = (p: string): string[] => parseDepends(fields[p] ?? '', (n) => installed.has(n));
    expect(packageClosure(['iptables'], dependsOf)).toEqual([
      'debconf', 'iptables', 'libc6', 'libgcc-s1', 'libip4tc2', 'libip6tc2', 'libmnl0', 'libnftnl11', 'libxtables12', 'netbase',
    ]);
  });
});
