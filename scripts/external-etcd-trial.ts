/**
 * The etcd half of an external-etcd topology, for real and apart from any cluster: brings members up
 * with the same code `cluster up` uses, on a network of its own, proves them healthy and TLS-strict,
 * proves a member keeps its address across a stop/start while another container takes a free one,
 * then removes everything and proves nothing is left.
 *
 *   npx tsx scripts/external-etcd-trial.ts [--members 3|5] [--keep]
 *
 * Names: network khc-etcdtest, containers khc-etcdtest-etcd1.., volumes khc-etcdtest-etcd<i>-data,
 * PKI in a temp dir. Touches nothing of the kind cluster or its network.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandSucceeds, runCommand } from '../harness/runtime/command.js';
import { docker, inspectContainer } from '../harness/runtime/docker.js';
import { etcdctlJson } from '../harness/runtime/etcdctl.js';
import { bringUpExternalEtcd, etcdMemberContainers, etcdMemberVolumes, removeExternalEtcd, waitForHealthyMembers } from '../substrate/cluster/external-etcd.js';
import { planExternalEtcd } from '../substrate/cluster/etcd-members.js';
import { cachePath } from '../substrate/paths.js';
import { consoleProgress } from '../substrate/progress.js';
import { versions } from '../substrate/versions.js';

const NAME = 'khc-etcdtest';
const args = process.argv.slice(2);
const members = Number(args[args.indexOf('--members') + 1] ?? 5) || 5;
const keep = args.includes('--keep');
const progress = consoleProgress('etcd-trial');

function etcdctlBinary(): string {
  const bin = cachePath('bin');
  const dir = readdirSync(bin).find((d) => d.startsWith('etcd-'));
  if (dir === undefined) {
    throw new Error(`no etcd build under ${bin}: run npm run images`);
  }
  return join(bin, dir, 'etcdctl');
}

function check(ok: boolean, what: string): void {
  if (!ok) {
    throw new Error(`FAILED: ${what}`);
  }
  progress.step(`ok: ${what}`);
}

async function main(): Promise<void> {
  const pkiRoot = join(mkdtempSync(join(tmpdir(), 'khc-etcdtest-pki-')), 'etcd-pki');
  const etcdctl = etcdctlBinary();
  try {
    const up = await bringUpExternalEtcd(
      { cluster: NAME, namePrefix: NAME, network: NAME, image: versions().images.etcd, members, pkiRoot, etcdctlBinary: etcdctl },
      progress,
    );
    const { record } = up;
    const ctx = { etcdctlBinary: etcdctl, cacert: record.client.caFile, cert: record.client.certFile, key: record.client.keyFile };
    check(true, `${members} members healthy: etcdctl endpoint health --cluster over ${record.endpoints.join(', ')}`);

    const list = await etcdctlJson<{ members: { name: string; clientURLs: string[]; peerURLs: string[] }[] }>(ctx, record.endpoints, ['member', 'list'], 15_000);
    check(list.members.length === members && record.members.every((m) => list.members.some((l) => l.name === m.name && l.peerURLs.includes(m.peerUrl))), `member list names all ${members} members with their https peer URLs`);

    for (const m of record.members) {
      await runCommand([etcdctl, `--endpoints=${m.clientUrl}`, `--cacert=${ctx.cacert}`, `--cert=${ctx.cert}`, `--key=${ctx.key}`, 'put', `/trial/${m.name}`, 'v'], { timeoutMs: 15_000, env: { ETCDCTL_API: '3' } });
    }
    const got = await etcdctlJson<{ count?: number }>(ctx, [record.endpoints[0] ?? ''], ['get', '--prefix', '/trial/', '--keys-only'], 15_000);
    check(got.count === members, `a write through each member's own endpoint, all ${members} read back through the first`);

    // Negative controls: TLS is strict.
    const noCert = await commandSucceeds([etcdctl, `--endpoints=${record.endpoints[0]}`, `--cacert=${ctx.cacert}`, '--dial-timeout=3s', '--command-timeout=4s', 'endpoint', 'health'], { timeoutMs: 20_000, env: { ETCDCTL_API: '3' } });
    check(!noCert, 'a client without a certificate is refused (client-cert-auth on)');
    const noCa = await commandSucceeds([etcdctl, `--endpoints=${record.endpoints[0]}`, `--cert=${ctx.cert}`, `--key=${ctx.key}`, '--dial-timeout=3s', '--command-timeout=4s', 'endpoint', 'health'], { timeoutMs: 20_000, env: { ETCDCTL_API: '3' } });
    check(!noCa, 'a client that does not trust the etcd CA (system roots only) cannot connect');
    const san = await runCommand(['openssl', 'x509', '-noout', '-ext', 'subjectAltName,extendedKeyUsage', '-in', join(pkiRoot, 'members', record.members[0]?.name ?? '', 'server.crt')], { timeoutMs: 10_000 });
    check(san.stdout.includes(`IP Address:${record.members[0]?.ip}`) && san.stdout.includes(`DNS:${record.members[0]?.name}`), `server certificate names the member and its IP (${san.stdout.replace(/\s+/g, ' ').trim()})`);
    const keys = [record.client.keyFile, join(pkiRoot, 'ca.key'), join(pkiRoot, 'apiserver', 'apiserver-etcd-client.key')];
    check(keys.every((k) => (statSync(k).mode & 0o777) === 0o600), 'every key file is 0600');

    // A member keeps its fixed address across stop/start, even when another container starts meanwhile.
    const victim = record.members[1];
    if (victim !== undefined) {
      await docker(['stop', '--time', '5', victim.name], { timeoutMs: 30_000 });
      await docker(['run', '--detach', '--name', `${NAME}-squatter`, '--network', NAME, versions().images.etcd, '/usr/local/bin/etcd', '--data-dir=/tmp/x'], { timeoutMs: 30_000 });
      await docker(['start', victim.name], { timeoutMs: 30_000 });
      const after = await inspectContainer(victim.name);
      const squatter = await inspectContainer(`${NAME}-squatter`);
      await docker(['rm', '--force', `${NAME}-squatter`], { timeoutMs: 30_000 });
      check(after.ipv4 === victim.ip, `${victim.name} came back on ${after.ipv4} (fixed ${victim.ip}) while another container took ${squatter.ipv4} from the dynamic range`);
      const plan = planExternalEtcd({ cluster: NAME, namePrefix: NAME, network: NAME, image: record.image, addresses: record.members.map((m) => m.ip), pkiRoot, token: 'unused' });
      await waitForHealthyMembers(etcdctl, plan, record.client, 60_000);
      check(true, 'all members healthy again after the restart');
    }
  } finally {
    if (!keep) {
      const removed = await removeExternalEtcd(NAME);
      progress.step(`removed ${removed.join(', ') || 'nothing'}`);
      if (await commandSucceeds(['docker', 'network', 'inspect', NAME], { timeoutMs: 10_000 })) {
        await docker(['network', 'rm', NAME], { timeoutMs: 30_000 });
      }
      rmSync(join(pkiRoot, '..'), { recursive: true, force: true });
      const left = [
        ...(await etcdMemberContainers(NAME)).map((c) => `container ${c.name}`),
        ...(await etcdMemberVolumes(NAME)).map((v) => `volume ${v}`),
        ...((await commandSucceeds(['docker', 'network', 'inspect', NAME], { timeoutMs: 10_000 })) ? [`network ${NAME}`] : []),
        ...((await commandSucceeds(['docker', 'inspect', `${NAME}-squatter`], { timeoutMs: 10_000 })) ? ['container squatter'] : []),
      ];
      check(left.length === 0, `nothing left (${left.join(', ') || 'no containers, volumes, network or PKI'})`);
    }
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
