/**
 * Measurements a fault records about itself into the history (as `metric` samples, member = the
 * node), so pure checks can tell what the fault really did: how long a timed pause lasted as the node
 * timed it, how many packets the loss rules saw and dropped. Names only: no I/O here.
 */

/** A timed pause (pause-process with resumeAfterMs): SIGSTOP to SIGCONT, measured in the node, ms. */
export const PAUSED_MS_METRIC = 'kube_ha_chaos_process_paused_ms';
/** Packets the loss rules dropped on a node over the fault (read from our chain's counters at heal). */
export const DROPPED_PACKETS_METRIC = 'kube_ha_chaos_dropped_packets';
/** Packets the loss rules saw (dropped or not) on a node over the fault. */
export const SEEN_PACKETS_METRIC = 'kube_ha_chaos_seen_packets';
