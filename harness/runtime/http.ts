/**
 * Plain HTTP(S) GETs from the host (NodePort probes, haproxy stats), each with a hard deadline and
 * no retries. Outcome reporting is the caller's.
 */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export async function httpGet(url: string, timeoutMs: number): Promise<HttpAnswer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { connection: 'close' } });
  return { status: res.status, body: await res.text() };
}
