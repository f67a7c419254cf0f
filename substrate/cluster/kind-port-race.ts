/**
 * kind asks the host for a free port per node's published apiserver port, then docker binds it a
 * moment later; with several nodes created at once two of them can be handed the same port, and one
 * `docker run` fails with "Bind for 127.0.0.1:N failed: port is already allocated" (seen creating
 * ha-5cp on 2026-11-30). Only that exact failure is worth a retry: any other create failure is real.
 */
const PORT_RACE = /Bind for 127\.0\.0\.1:\d+ failed: port is already allocated/;

/** Whether a failed `kind create cluster` lost the host-port race (and only that). */
export function isKindPortRace(err: unknown): boolean {
  return err instanceof Error && PORT_RACE.test(err.message);
}

/** How many times `kind create cluster` is tried when it loses the port race. */
export const KIND_CREATE_ATTEMPTS = 3;
