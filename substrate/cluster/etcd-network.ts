/**
 * The Docker network external etcd members live on, as data: which IPv4 subnet it has, which part of
 * it Docker hands out by itself, and which fixed addresses the members get.
 *
 * Why fixed addresses: a member's server certificate names its IP and every apiserver lists the IPs
 * in --etcd-servers, so an address must outlive a stop/start (the suites hold members down). Docker
 * gives a restarted container whatever address is free lowest (measured here: a member stopped while
 * another container started came back on another address), and `docker run --ip` is refused on a
 * network whose IPv4 subnet Docker chose itself ("user specified IP address is supported only when
 * connecting to networks with user configured subnets"), which is how kind creates `kind`. So for an
 * external-etcd topology we create `kind` ourselves, kind's way (bridge, IP masquerade, the default
 * bridge's MTU) plus an explicit subnet whose lower half is the dynamic range (`--ip-range`) the node
 * containers draw from; the members sit in the upper half, where nothing else is ever handed out.
 * kind reuses a network that already has its name (providers/docker/network.go ensureNetwork).
 *
 * Pure: decided from what `docker network inspect` says, so the rules are unit-tested.
 */
import { ipv4ToNumber } from '../../harness/cluster/layout.js';

/** Label on a network we created with a fixed subnet (kind never labels its network). */
export const FIXED_SUBNET_LABEL = 'io.kube-ha-chaos.fixed-subnet';

/** Members take addresses from this offset into the upper half of the subnet (x.y.128.11 on a /16). */
const MEMBER_OFFSET = 10;
/** Fixed addresses we ever hand out to members: etcd.external allows at most 7 (layout.ts). */
export const MEMBER_ADDRESS_BLOCK = 8;

export interface NetworkFacts {
  readonly exists: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** IPv4 subnet (e.g. 172.18.0.0/16), '' when it has none. */
  readonly subnet: string;
  /** IPv4 dynamic range (`--ip-range`), '' when it has none (the whole subnet is dynamic). */
  readonly ipRange: string;
  /** Containers attached to it, by name. */
  readonly containers: readonly string[];
  /** Their IPv4 addresses. */
  readonly usedAddresses: readonly string[];
}

export type NetworkDecision =
  /** Use it as it is: it is ours, with a fixed subnet and a dynamic range. */
  | { readonly action: 'use'; readonly subnet: string; readonly ipRange: string }
  /** None there: create it. */
  | { readonly action: 'create' }
  /** It is there without a fixed subnet but nothing uses it: remove it and create ours. */
  | { readonly action: 'recreate'; readonly why: string }
  | { readonly action: 'refuse'; readonly why: string };

export function decideNetwork(name: string, n: NetworkFacts): NetworkDecision {
  if (!n.exists) {
    return { action: 'create' };
  }
  if (n.labels[FIXED_SUBNET_LABEL] === 'true' && n.subnet !== '' && n.ipRange !== '') {
    return { action: 'use', subnet: n.subnet, ipRange: n.ipRange };
  }
  const why = `the Docker network ${name} has no fixed IPv4 subnet (Docker chose ${n.subnet || 'none'}), so etcd members cannot keep their addresses across a restart`;
  if (n.containers.length === 0) {
    return { action: 'recreate', why };
  }
  return {
    action: 'refuse',
    why: `${why}, and ${n.containers.join(', ')} still use${n.containers.length === 1 ? 's' : ''} it: remove or disconnect ${n.containers.length === 1 ? 'it' : 'them'} (docker rm -f / docker network disconnect ${name}), then re-run`,
  };
}

function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function parseCidr(cidr: string): { start: number; bits: number } | undefined {
  const [base, bitsText] = cidr.split('/');
  const addr = ipv4ToNumber(base ?? '');
  const bits = Number(bitsText);
  if (addr === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) {
    return undefined;
  }
  const size = 2 ** (32 - bits);
  return { start: addr - (addr % size), bits };
}

function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (x === undefined || y === undefined) {
    return false;
  }
  const xEnd = x.start + 2 ** (32 - x.bits);
  const yEnd = y.start + 2 ** (32 - y.bits);
  return x.start < yEnd && y.start < xEnd;
}

/**
 * The first 172.18-31.0.0/16 that overlaps no subnet in use (Docker's own default pools start at
 * 172.17 for the default bridge); throws, naming the fix, when every one is taken.
 */
export function chooseSubnet(usedSubnets: readonly string[]): string {
  for (let second = 18; second <= 31; second += 1) {
    const candidate = `172.${second}.0.0/16`;
    if (!usedSubnets.some((u) => overlaps(u, candidate))) {
      return candidate;
    }
  }
  throw new Error(`every subnet from 172.18.0.0/16 to 172.31.0.0/16 is used by a Docker network (${usedSubnets.join(', ')}): remove an unused network (docker network prune) and re-run`);
}

/** The gateway (first host) and the dynamic range (lower half) of a subnet. */
export function subnetParts(subnet: string): { gateway: string; ipRange: string } {
  const p = parseCidr(subnet);
  if (p === undefined || p.bits > 24) {
    throw new Error(`subnet ${subnet} is not an IPv4 network of /24 or larger`);
  }
  return { gateway: numberToIpv4(p.start + 1), ipRange: `${numberToIpv4(p.start)}/${p.bits + 1}` };
}

/**
 * Fixed addresses for `count` members: the upper half of the subnet, from its 11th address on, so
 * outside `ipRange` (where Docker hands out node addresses). Throws, naming the fix, when the
 * members do not fit or an address is taken.
 */
export function memberAddresses(subnet: string, ipRange: string, count: number, usedAddresses: readonly string[]): string[] {
  const net = parseCidr(subnet);
  const dyn = parseCidr(ipRange);
  if (net === undefined || dyn === undefined) {
    throw new Error(`cannot place etcd members on subnet ${JSON.stringify(subnet)} with dynamic range ${JSON.stringify(ipRange)}`);
  }
  if (count > MEMBER_ADDRESS_BLOCK - 1) {
    throw new Error(`etcd.external is ${count}: at most ${MEMBER_ADDRESS_BLOCK - 1} members get fixed addresses on the cluster network; use 3 or 5`);
  }
  const dynEnd = dyn.start + 2 ** (32 - dyn.bits);
  const netEnd = net.start + 2 ** (32 - net.bits) - 1; // broadcast
  // The first address past the dynamic range when it is the lower part, else past the network start.
  const base = (dyn.start === net.start ? dynEnd : net.start) + MEMBER_OFFSET;
  const out: string[] = [];
  for (let i = 1; i <= count; i += 1) {
    const a = base + i;
    if (a >= netEnd || (a >= dyn.start && a < dynEnd)) {
      throw new Error(`etcd.external is ${count}: only ${i - 1} fixed member addresses fit in ${subnet} outside its dynamic range ${ipRange}; use fewer members, or \`npm run cluster -- down\` so up creates the network afresh`);
    }
    const ip = numberToIpv4(a);
    if (usedAddresses.includes(ip)) {
      throw new Error(`etcd member address ${ip} is already used by a container on ${subnet}: remove that container (docker ps --filter network=kind) and re-run`);
    }
    out.push(ip);
  }
  return out;
}

/**
 * `docker network create` for the cluster network, kind's way (providers/docker/network.go
 * createNetwork: bridge, IP masquerade, the default bridge's MTU) plus a fixed IPv4 subnet and dynamic
 * range, labelled so the next `up` knows it is ours. IPv4 only: kind itself falls back to that when
 * IPv6 is unavailable, and these clusters are IPv4.
 */
export function networkCreateArgv(name: string, subnet: string, mtu: number | undefined): string[] {
  const { gateway, ipRange } = subnetParts(subnet);
  return [
    'network', 'create', '-d=bridge',
    '-o', 'com.docker.network.bridge.enable_ip_masquerade=true',
    ...(mtu !== undefined && mtu > 0 ? ['-o', `com.docker.network.driver.mtu=${mtu}`] : []),
    '--subnet', subnet,
    '--gateway', gateway,
    '--ip-range', ipRange,
    '--label', `${FIXED_SUBNET_LABEL}=true`,
    name,
  ];
}
