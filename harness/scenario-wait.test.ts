import { describe, expect, it } from 'vitest';
import { History } from './probes/history.js';
import { waitForPhaseEnd } from './scenario.js';

const clock = () => {
  const start = performance.now();
  return { nowMs: () => performance.now() - start, startedAtIso: new Date().toISOString() };
};

describe('waitForPhaseEnd: a phase lasts until what it waits for is seen, or its bound has passed', () => {
  it('ends as soon as the event is seen, and notes the sizing and the end in the history', async () => {
    const ctx = { history: new History(), clock: clock() };
    let polls = 0;
    await waitForPhaseEnd(ctx, 'fault hold', 0, { what: 'a new holder', seen: () => ++polls >= 2, maxMs: 10_000, sizing: '31.0 s = bound + margin' });
    const notes = ctx.history.ofKind('note').map((n) => n.text);
    expect(notes[0]).toBe('fault hold lasts until a new holder is seen, at most 10.0 s: 31.0 s = bound + margin');
    expect(notes[1]).toMatch(/^fault hold ended after 0\.\d s: a new holder was seen$/);
    expect(ctx.clock.nowMs()).toBeLessThan(2_000);
  });
  it('ends at its bound when the event never comes, and says so', async () => {
    const ctx = { history: new History(), clock: clock() };
    await waitForPhaseEnd(ctx, 'recovery', 0, { what: 'the API back', seen: () => false, maxMs: 300, sizing: 's' });
    expect(ctx.clock.nowMs()).toBeGreaterThanOrEqual(300);
    expect(ctx.history.ofKind('note')[1]?.text).toMatch(/^recovery ended after 0\.3 s, its bound and margin: the API back was not seen$/);
  });
  it('counts the bound from the phase start it is given (a fault\'s issue), not from when it is called', async () => {
    const c = clock();
    await new Promise((r) => setTimeout(r, 250));
    const ctx = { history: new History(), clock: c };
    await waitForPhaseEnd(ctx, 'fault hold', 0, { what: 'the NotReady bound', maxMs: 300, sizing: 's' });
    expect(c.nowMs()).toBeLessThan(450);
    expect(ctx.history.ofKind('note')[1]?.text).toMatch(/sized to cover the NotReady bound/);
  });
});
