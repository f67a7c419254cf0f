/**
 * The HA design of a cluster as data: where etcd runs and what fronts the apiservers. Everything that
 * differs between the designs users run (stacked or external etcd; kind's haproxy, a keepalived VIP
 * pair, nginx on every worker, DNS round-robin) is read from here, so code asks the layout
 * ("how many etcd members?", "what is the front?") instead of branching on a topology's name.
 *
 * Pure: parsed and validated before anything is created, so a bad topology changes nothing.
 */
import { parse } from 'yaml';

export type EtcdPlacement =
  /** kubeadm's stacked design: one member on every control-plane node, each apiserver talks to its own. */
  | { readonly mode: 'stacked' }
  /** Members on their own hosts; every apiserver lists all of them in --etcd-servers. */
  | { readonly mode: 'external'; readonly members: number };

export type ApiserverFront =
  /** The single haproxy container kind creates (health checks every 2 s, 3 falls). */
  | { readonly kind: 'kind-haproxy' }
  /** Two LB hosts running keepalived + haproxy; keepalived holds `vip` by VRRP. */
  | { readonly kind: 'vip-pair'; readonly vip: string; readonly advertIntervalS: number }
  /** nginx on every non-control-plane node, listening on localhost; passive health checks only. */
  | { readonly kind: 'localhost-nginx' }
  /**
   * One DNS name resolving to every apiserver address; no health checks at all. A topology file
   * gives the DNS server's fixed address on the cluster network and the records' TTL (parseLayout
   * fills both); a front discovered on someone else's cluster (preflight) knows only the name.
   */
  | { readonly kind: 'dns-rr'; readonly name: string; readonly server?: string; readonly ttlS?: number };

export type FrontKind = ApiserverFront['kind'];
export const FRONT_KINDS: readonly FrontKind[] = ['kind-haproxy', 'vip-pair', 'localhost-nginx', 'dns-rr'];

export interface ControlPlaneLayout {
  readonly name: string;
  readonly controlPlanes: number;
  readonly workers: number;
  readonly etcd: EtcdPlacement;
  readonly front: ApiserverFront;
}

/** Thrown for a topology that cannot be built; the message names the field and the fix. */
export class InvalidLayoutError extends Error {
  constructor(source: string, problem: string) {
    super(`invalid topology ${source}: ${problem}`);
    this.name = 'InvalidLayoutError';
  }
}

/** etcd members the layout runs: one per control plane when stacked. */
export function etcdMemberCount(layout: ControlPlaneLayout): number {
  return layout.etcd.mode === 'stacked' ? layout.controlPlanes : layout.etcd.members;
}

/** Does losing an etcd member take an apiserver with it? Only when the member is stacked on its node. */
export function etcdLossTakesApiserver(layout: ControlPlaneLayout): boolean {
  return layout.etcd.mode === 'stacked';
}

/** The layout of a plain kind config: stacked etcd behind kind's own haproxy. */
export function kindDefaultLayout(name: string, controlPlanes: number, workers: number): ControlPlaneLayout {
  return { name, controlPlanes, workers, etcd: { mode: 'stacked' }, front: { kind: 'kind-haproxy' } };
}

const TOP_KEYS = new Set(['name', 'controlPlanes', 'workers', 'etcd', 'front']);
const DNS_RR_KEYS = new Set(['kind', 'name', 'server', 'ttlS']);
/** The name of a dns-rr front when its file gives none. `.internal` is reserved for private use (ICANN, 2024). */
export const DEFAULT_DNS_RR_NAME = 'api.kube-ha-chaos.internal';
/** Short, so a client re-resolves soon after the records change, as round-robin designs advise. */
export const DEFAULT_DNS_RR_TTL_S = 5;

function wholeNumber(source: string, field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidLayoutError(source, `${field} must be a whole number from ${min} to ${max}, found ${JSON.stringify(v)}`);
  }
  return v;
}

function parseEtcd(source: string, v: unknown): EtcdPlacement {
  if (v === undefined || v === 'stacked') {
    return { mode: 'stacked' };
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'external');
    if (extra.length > 0 || o['external'] === undefined) {
      throw new InvalidLayoutError(source, `etcd must be "stacked" or { external: <members> }, found keys ${JSON.stringify(Object.keys(o))}`);
    }
    const members = wholeNumber(source, 'etcd.external', o['external'], 1, 7);
    if (members % 2 === 0) {
      // An even count adds a member to lose without adding a failure tolerated (etcd FAQ).
      throw new InvalidLayoutError(source, `etcd.external is ${members}: use an odd number of members (3 or 5); ${members} tolerates no more failures than ${members - 1}`);
    }
    return { mode: 'external', members };
  }
  throw new InvalidLayoutError(source, `etcd must be "stacked" or { external: <members> }, found ${JSON.stringify(v)}`);
}

/** a.b.c.d, each part 0-255, as a 32-bit number; undefined when not an IPv4 address. */
export function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    return undefined;
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Is `ip` a usable host address of `cidr` (not its network or broadcast address)? */
export function isHostInSubnet(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const addr = ipv4ToNumber(ip);
  const net = ipv4ToNumber(base ?? '');
  const bits = Number(bitsText);
  if (addr === undefined || net === undefined || !Number.isInteger(bits) || bits < 0 || bits > 30) {
    return false;
  }
  const size = 2 ** (32 - bits);
  const start = net - (net % size);
  return addr > start && addr < start + size - 1;
}

function parseFront(source: string, v: unknown, workers: number): ApiserverFront {
  const o: Record<string, unknown> = typeof v === 'string' ? { kind: v } : typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const kind = v === undefined ? 'kind-haproxy' : o['kind'];
  switch (kind) {
    case 'kind-haproxy':
      return { kind };
    case 'vip-pair': {
      const vip = o['vip'];
      if (typeof vip !== 'string' || ipv4ToNumber(vip) === undefined) {
        throw new InvalidLayoutError(source, `front vip-pair needs vip: <an IPv4 address on the cluster's Docker network>, found ${JSON.stringify(vip)}`);
      }
      const advert = o['advertIntervalS'] ?? 1;
      return { kind, vip, advertIntervalS: wholeNumber(source, 'front.advertIntervalS', advert, 1, 255) };
    }
    case 'localhost-nginx':
      if (workers === 0) {
        throw new InvalidLayoutError(source, 'front localhost-nginx runs nginx on every worker: add at least one worker');
      }
      return { kind };
    case 'dns-rr': {
      const extra = Object.keys(o).filter((k) => !DNS_RR_KEYS.has(k));
      if (extra.length > 0) {
        throw new InvalidLayoutError(source, `front dns-rr has unknown field "${extra[0] ?? ''}" (known: ${[...DNS_RR_KEYS].join(', ')})`);
      }
      const name = o['name'] ?? DEFAULT_DNS_RR_NAME;
      if (typeof name !== 'string' || name.length > 253 || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(name)) {
        throw new InvalidLayoutError(source, `front dns-rr needs name: <a lower-case DNS name with at least one dot, e.g. ${DEFAULT_DNS_RR_NAME}>, found ${JSON.stringify(name)}`);
      }
      const server = o['server'];
      if (typeof server !== 'string' || ipv4ToNumber(server) === undefined) {
        throw new InvalidLayoutError(source, `front dns-rr needs server: <the DNS server's IPv4 address on the cluster's Docker network, outside Docker's dynamic range, e.g. 172.18.128.53>, found ${JSON.stringify(server)}`);
      }
      // 1 s at least (0 would ask resolvers not to cache at all, which few honour); an hour at most,
      // or a moved apiserver stays in clients' caches for longer than any suite runs.
      const ttlS = wholeNumber(source, 'front.ttlS', o['ttlS'] ?? DEFAULT_DNS_RR_TTL_S, 1, 3600);
      return { kind, name, server, ttlS };
    }
    default:
      throw new InvalidLayoutError(source, `unknown front ${JSON.stringify(kind)}: use one of ${FRONT_KINDS.join(', ')}`);
  }
}

/** Parse and validate a topology file's text (see the README's topology table for the fields). */
export function parseLayout(source: string, text: string): ControlPlaneLayout {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new InvalidLayoutError(source, `not YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidLayoutError(source, 'expected a mapping with name, controlPlanes, workers, etcd and front');
  }
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!TOP_KEYS.has(k)) {
      throw new InvalidLayoutError(source, `unknown field "${k}" (known: ${[...TOP_KEYS].join(', ')})`);
    }
  }
  const name = o['name'];
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new InvalidLayoutError(source, `name must be lower-case letters, digits and dashes, found ${JSON.stringify(name)}`);
  }
  if (o['controlPlanes'] === 0) {
    throw new InvalidLayoutError(source, 'controlPlanes is 0: an HA control plane needs at least 2 (3 to keep stacked etcd quorum through a loss)');
  }
  const controlPlanes = wholeNumber(source, 'controlPlanes', o['controlPlanes'], 1, 7);
  const workers = wholeNumber(source, 'workers', o['workers'] ?? 0, 0, 5);
  const etcd = parseEtcd(source, o['etcd']);
  const front = parseFront(source, o['front'], workers);
  return { name, controlPlanes, workers, etcd, front };
}

/**
 * What the machine the cluster runs on must offer this layout: checked once the Docker network is
 * known (a VIP must be a free host address of it). Returns problems, each naming the fix.
 */
export function layoutProblemsOnNetwork(
  layout: ControlPlaneLayout,
  network: {
    readonly subnet: string;
    readonly usedAddresses: readonly string[];
    /** Where Docker hands out addresses by itself (`--ip-range`); a VIP there could go to a new node. */
    readonly dynamicRange?: string;
    /** Fixed addresses the substrate gives its own hosts (LB hosts, etcd members). */
    readonly reservedAddresses?: readonly string[];
  },
): string[] {
  const problems: string[] = [];
  if (layout.front.kind === 'vip-pair') {
    problems.push(...fixedAddressProblems('vip', layout.front.vip, network));
  }
  if (layout.front.kind === 'dns-rr' && layout.front.server !== undefined) {
    problems.push(...fixedAddressProblems('DNS server', layout.front.server, network));
  }
  return problems;
}

/** Why `ip` cannot be a fixed address of ours on the network (a VIP, the DNS server), each naming the fix. */
function fixedAddressProblems(
  what: string,
  ip: string,
  network: { readonly subnet: string; readonly usedAddresses: readonly string[]; readonly dynamicRange?: string; readonly reservedAddresses?: readonly string[] },
): string[] {
  if (!isHostInSubnet(ip, network.subnet)) {
    return [`${what} ${ip} is outside the cluster network ${network.subnet}: choose a free address inside it`];
  }
  if (network.usedAddresses.includes(ip)) {
    return [`${what} ${ip} is already used by a container on ${network.subnet}: choose a free address`];
  }
  if (network.dynamicRange !== undefined && network.dynamicRange !== '' && isHostInSubnet(ip, network.dynamicRange)) {
    return [`${what} ${ip} is inside ${network.dynamicRange}, where Docker hands out node addresses: choose a free address of ${network.subnet} outside it`];
  }
  if ((network.reservedAddresses ?? []).includes(ip)) {
    return [`${what} ${ip} is the fixed address of one of the cluster's own hosts (${(network.reservedAddresses ?? []).join(', ')}): choose another free address`];
  }
  return [];
}
