/**
 * `/metrics` in Prometheus's text exposition format (version 0.0.4). Mesos itself only
 * serves /metrics/snapshot; the names here follow the Mesos exporters' convention of
 * prefixing `mesos_` and turning every character Prometheus does not allow into `_`,
 * so `master/cpus_total` is scraped as `mesos_master_cpus_total`.
 */
import type { ClusterView } from '../model.js';
import { type MetricSample, masterMetrics } from './metrics.js';

/** The Content-Type Prometheus expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** `master/cpus_total` → `mesos_master_cpus_total`. */
export function prometheusName(name: string): string {
  return `mesos_${name.replace(/[^a-zA-Z0-9_:]/g, '_')}`;
}

/** HELP text escapes only backslash and newline. */
function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Go's float syntax, which Prometheus parses: NaN, +Inf, -Inf. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * One family per metric, ordered by name. Two Mesos names that sanitize to the same
 * Prometheus name would make the exposition invalid, so the later one is dropped.
 */
export function prometheusText(samples: readonly MetricSample[]): string {
  const byName = new Map<string, MetricSample>();
  for (const sample of samples) {
    const name = prometheusName(sample.name);
    if (!byName.has(name)) byName.set(name, sample);
  }
  const names = [...byName.keys()].sort();
  let text = '';
  for (const name of names) {
    const sample = byName.get(name);
    if (sample === undefined) continue;
    text += `# HELP ${name} ${escapeHelp(sample.help)}\n`;
    text += `# TYPE ${name} ${sample.type}\n`;
    text += `${name} ${formatValue(sample.value)}\n`;
  }
  return text;
}

export function renderPrometheus(
  view: ClusterView,
  now: number,
  extra: readonly MetricSample[] = [],
): string {
  return prometheusText([...masterMetrics(view, now), ...extra]);
}
