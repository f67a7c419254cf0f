/**
 * Pure helpers over Debian package metadata: used to cut a small rootfs (the package closure of
 * iptables and conntrack, for kube-proxy) out of the node's debootstrap rootfs.
 */

/**
 * Parse a dpkg `Depends`/`Pre-Depends` field into package names. For an alternative ("a | b") the
 * first one that `isInstalled` accepts is taken; version constraints and architecture qualifiers are
 * dropped.
 */
export function parseDepends(field: string, isInstalled: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const clause of field.split(',')) {
    const alternatives = clause
      .split('|')
      .map((a) => a.trim().replace(/\s*\(.*\)\s*/, '').replace(/:\w+$/, ''))
      .filter((a) => a.length > 0);
    const chosen = alternatives.find(isInstalled);
    if (chosen !== undefined) {
      out.push(chosen);
    }
  }
  return out;
}

/** Breadth-first closure of `roots` over `dependsOf` (cycles are fine). */
export function packageClosure(roots: readonly string[], dependsOf: (name: string) => readonly string[]): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const p = queue.shift() as string;
    if (seen.has(p)) {
      continue;
    }
    seen.add(p);
    queue.push(...dependsOf(p));
  }
  return [...seen].sort();
}
