/**
 * How long each phase lasts and how many trials run. 'default' is for users (more trials, longer
 * holds: tighter statistics); 'ci' is shorter so every suite runs for real within CI's time limit.
 */
export interface Timings {
  readonly baselineMs: number;
  readonly holdMs: number;
  readonly recoveryMs: number;
  readonly leaderKillTrials: number;
}

export function timingsFor(profile: 'default' | 'ci'): Timings {
  return profile === 'ci'
    ? { baselineMs: 4_000, holdMs: 8_000, recoveryMs: 4_000, leaderKillTrials: 3 }
    : { baselineMs: 6_000, holdMs: 15_000, recoveryMs: 6_000, leaderKillTrials: 5 };
}
