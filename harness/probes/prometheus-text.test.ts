import { describe, expect, it } from 'vitest';
import { metricValue, parsePrometheusText, PromParseError } from './prometheus-text.js';

// Shaped like etcd 3.6's /metrics (trimmed).
const ETCD_METRICS = `# HELP etcd_server_has_leader Whether or not a leader exists. 1 is existence, 0 is not.
# TYPE etcd_server_has_leader gauge
etcd_server_has_leader 1
# HELP etcd_server_id Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.
# TYPE etcd_server_id gauge
etcd_server_id{server_id="c2218527ef41ca14"} 1
etcd_server_is_leader 0
etcd_server_leader_changes_seen_total 4
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 0
etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf"} 1742
etcd_disk_wal_fsync_duration_seconds_sum 3.0470000000000006
grpc_server_handled_total{grpc_code="OK",grpc_method="Range",grpc_service="etcdserverpb.KV",grpc_type="unary"} 12345
go_gc_duration_seconds{quantile="0.5"} NaN
process_start_time_seconds 1.76376e+09
`;

describe('parsePrometheusText', () => {
  it('reads etcd counters and gauges, with and without labels', () => {
    const s = parsePrometheusText(ETCD_METRICS);
    expect(metricValue(s, 'etcd_server_leader_changes_seen_total')).toBe(4);
    expect(metricValue(s, 'etcd_server_is_leader')).toBe(0);
    expect(metricValue(s, 'etcd_server_has_leader')).toBe(1);
    expect(s.find((x) => x.name === 'etcd_server_id')?.labels).toEqual({ server_id: 'c2218527ef41ca14' });
    expect(s.find((x) => x.name === 'grpc_server_handled_total')?.labels['grpc_method']).toBe('Range');
    expect(metricValue(s, 'process_start_time_seconds')).toBe(1.76376e9);
    expect(metricValue(s, 'missing')).toBeUndefined();
  });
  it('handles special values, escapes and timestamps', () => {
    const s = parsePrometheusText('a{le="+Inf"} +Inf\nb -Inf 1700000000000\nc NaN\nd{x="q\\"uo,te}",y="n\\nl"} 2\n');
    expect(s.map((x) => x.value)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 2]);
    expect(s[3]?.labels).toEqual({ x: 'q"uo,te}', y: 'n\nl' });
  });
  it('names the line of a malformed sample', () => {
    expect(() => parsePrometheusText('ok 1\nbroken{a="1" 2\n')).toThrow(PromParseError);
    expect(() => parsePrometheusText('ok 1\nnovalue\n')).toThrow(/line 2/);
    expect(() => parsePrometheusText('x abc\n')).toThrow(/not a number/);
  });
});
