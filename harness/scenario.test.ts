import { describe, expect, it } from 'vitest';
import { harnessCpuNote } from './scenario.js';
import { hostCpuMs, reapedChildrenCpuMs } from './runtime/host.js';

describe('harnessCpuNote', () => {
  it('turns a cpuUsage difference (microseconds) into a share of one core over the wall time', () => {
    // 44.3 s of CPU (user + system) over a 312 s case: 14.2 % of one core.
    expect(harnessCpuNote({ usage: { user: 39_100_000, system: 5_200_000 }, wallMs: 312_000, probeCount: 9 })).toBe(
      'harness CPU 14.2 % of one core over 312 s with 9 probes',
    );
  });
  it('can exceed one core (worker threads) and never divides by zero', () => {
    expect(harnessCpuNote({ usage: { user: 15_000_000, system: 0 }, wallMs: 10_000, probeCount: 1 })).toBe('harness CPU 150.0 % of one core over 10 s with 1 probes');
    expect(harnessCpuNote({ usage: { user: 1, system: 1 }, wallMs: 0, probeCount: 0 })).toBe('harness CPU 0.0 % of one core over 0 s with 0 probes');
  });
  it('adds the CLIs the harness ran, the host load and the event-loop delay when known', () => {
    expect(
      harnessCpuNote({
        usage: { user: 39_100_000, system: 5_200_000 },
        wallMs: 312_000,
        probeCount: 9,
        childrenCpuMs: 6_240,
        hostBusyCores: { busy: 1.714, cores: 2 },
        loopDelay: { p99Ms: 21.6, maxMs: 312.4 },
        niceness: -10,
      }),
    ).toBe(
      "harness CPU 14.2 % of one core (+2.0 % in the CLIs it ran) over 312 s with 9 probes; host busy 1.71 of 2 cores; event-loop delay p99 22 ms, max 312 ms (how late a probe's own timers could fire); niceness -10",
    );
  });
});

describe('host CPU readers (this Linux host)', () => {
  it('counts a reaped child process in the children CPU and reads the host totals', async () => {
    const before = reapedChildrenCpuMs() ?? Number.NaN;
    const { spawnSync } = await import('node:child_process');
    // A child that burns 300 ms of its own CPU (however long that takes on a busy host), then is
    // reaped by spawnSync.
    spawnSync(process.execPath, ['-e', 'const s = process.cpuUsage(); for (;;) { const u = process.cpuUsage(s); if (u.user + u.system >= 300_000) break; }']);
    const after = reapedChildrenCpuMs() ?? Number.NaN;
    // The kernel accounts in 10 ms ticks.
    expect(after - before).toBeGreaterThanOrEqual(280);
    const host = hostCpuMs();
    expect(host?.cores).toBeGreaterThan(0);
    expect(host!.busyMs).toBeLessThan(host!.totalMs);
  });
});
