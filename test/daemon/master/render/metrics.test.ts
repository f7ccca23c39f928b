import { masterMetrics, metricsSnapshot } from '@mesolite/daemon/master/render/metrics';
import {
  PROMETHEUS_CONTENT_TYPE,
  prometheusName,
  prometheusText,
  renderPrometheus,
} from '@mesolite/daemon/master/render/prometheus';
import type { Task } from '@mesolite/daemon/protocol/mesos';
import { describe, expect, it } from 'vitest';
import { buildFixture, MARATHON, NOW } from './cluster-fixture.js';

describe('/metrics/snapshot', () => {
  it('is a flat object of numbers with keys ordered by name', () => {
    const { view } = buildFixture();
    const snapshot = metricsSnapshot(view, NOW);
    const keys = Object.keys(snapshot);
    expect(keys).toEqual([...keys].sort());
    for (const value of Object.values(snapshot)) expect(typeof value).toBe('number');
  });

  it('reports uptime in seconds and whether this master is elected', () => {
    const { view } = buildFixture();
    expect(metricsSnapshot(view, NOW)).toMatchObject({
      'master/uptime_secs': 90.5,
      'master/elected': 1,
    });
    expect(metricsSnapshot(buildFixture({ electedTime: 0 }).view, NOW)['master/elected']).toBe(0);
  });

  it('counts agents as Mesos does: among registered ones, plus the unreachable', () => {
    const { view } = buildFixture();
    expect(metricsSnapshot(view, NOW)).toMatchObject({
      'master/slaves_connected': 1,
      'master/slaves_disconnected': 1,
      'master/slaves_active': 1,
      'master/slaves_inactive': 1,
      'master/slaves_unreachable': 1,
    });
  });

  it('counts registered frameworks by connection and activity', () => {
    const { view } = buildFixture();
    expect(metricsSnapshot(view, NOW)).toMatchObject({
      'master/frameworks_connected': 1,
      'master/frameworks_disconnected': 1,
      'master/frameworks_active': 1,
      'master/frameworks_inactive': 1,
      'master/outstanding_offers': 1,
    });
  });

  it('gauges active task states live and reports terminal states from the counters', () => {
    const { view } = buildFixture();
    expect(metricsSnapshot(view, NOW)).toMatchObject({
      'master/tasks_staging': 1,
      'master/tasks_starting': 1,
      'master/tasks_running': 1,
      'master/tasks_killing': 1,
      'master/tasks_unreachable': 1,
      'master/tasks_finished': 3,
      'master/tasks_failed': 1,
      'master/tasks_killed': 0,
      'master/tasks_lost': 1,
      'master/tasks_error': 0,
      'master/tasks_dropped': 0,
      'master/tasks_gone': 0,
      'master/tasks_gone_by_operator': 0,
    });
  });

  it('does not gauge tasks on agents that are not registered', () => {
    const { view, tasks } = buildFixture();
    const moved: Task = { ...tasks.staging, agent_id: { value: 'S2' } };
    const marathonTasks = new Map(view.tasks.get(MARATHON)).set(moved.task_id.value, moved);
    const tasksByFramework = new Map(view.tasks).set(MARATHON, marathonTasks);
    expect(metricsSnapshot({ ...view, tasks: tasksByFramework }, NOW)['master/tasks_staging']).toBe(
      0,
    );
  });

  it('reports total, used and percent of each resource over registered agents', () => {
    const { view } = buildFixture();
    expect(metricsSnapshot(view, NOW)).toMatchObject({
      'master/cpus_total': 8,
      'master/cpus_used': 1.05,
      'master/cpus_percent': 1.05 / 8,
      'master/mem_total': 8192,
      'master/mem_used': 224,
      'master/mem_percent': 224 / 8192,
      'master/disk_total': 20000,
      'master/disk_used': 0,
      'master/disk_percent': 0,
      'master/gpus_total': 0,
      'master/gpus_used': 0,
      'master/gpus_percent': 0,
      'master/cpus_revocable_total': 0,
      'master/mem_revocable_used': 0,
      'master/disk_revocable_percent': 0,
    });
  });

  it('reports status update and decline counters', () => {
    const { view } = buildFixture();
    expect(metricsSnapshot(view, NOW)).toMatchObject({
      'master/valid_status_updates': 12,
      'master/invalid_status_updates': 2,
      'master/messages_decline_offers': 4,
    });
  });

  it("reports the allocator's totals and offered-or-allocated amounts", () => {
    const { view } = buildFixture();
    expect(metricsSnapshot(view, NOW)).toMatchObject({
      'allocator/mesos/resources/cpus/total': 8,
      'allocator/mesos/resources/cpus/offered_or_allocated': 2.05,
      'allocator/mesos/resources/mem/total': 8192,
      'allocator/mesos/resources/mem/offered_or_allocated': 736,
      'allocator/mesos/resources/disk/offered_or_allocated': 0,
    });
    expect(metricsSnapshot(view, NOW)).not.toHaveProperty('allocator/mesos/resources/gpus/total');
  });

  it('merges metrics from outside the model', () => {
    const { view } = buildFixture();
    const extra = [{ name: 'system/load_1min', type: 'gauge' as const, help: 'Load', value: 0.5 }];
    expect(metricsSnapshot(view, NOW, extra)['system/load_1min']).toBe(0.5);
  });

  it('gives every metric a unique name, a type and help text', () => {
    const { view } = buildFixture();
    const samples = masterMetrics(view, NOW);
    expect(new Set(samples.map((sample) => sample.name)).size).toBe(samples.length);
    for (const sample of samples) expect(sample.help).not.toBe('');
  });
});

describe('/metrics (Prometheus)', () => {
  it('prefixes mesos_ and turns characters Prometheus does not allow into _', () => {
    expect(prometheusName('master/cpus_total')).toBe('mesos_master_cpus_total');
    expect(prometheusName('allocator/mesos/resources/cpus/offered_or_allocated')).toBe(
      'mesos_allocator_mesos_resources_cpus_offered_or_allocated',
    );
    expect(prometheusName('master/frameworks/my-app.v2/calls')).toBe(
      'mesos_master_frameworks_my_app_v2_calls',
    );
  });

  it('writes HELP, TYPE and the sample for each metric', () => {
    const { view } = buildFixture();
    const text = renderPrometheus(view, NOW);
    expect(text).toContain(
      '# HELP mesos_master_cpus_total Number of CPUs\n' +
        '# TYPE mesos_master_cpus_total gauge\n' +
        'mesos_master_cpus_total 8\n',
    );
    expect(text).toContain(
      '# TYPE mesos_master_tasks_finished counter\nmesos_master_tasks_finished 3\n',
    );
  });

  it('is one family per metric, ordered by name, ending in a newline', () => {
    const { view } = buildFixture();
    const text = renderPrometheus(view, NOW);
    expect(text.endsWith('\n')).toBe(true);
    const sampleLines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const names = sampleLines.map((line) => line.split(' ')[0] ?? '');
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(masterMetrics(view, NOW).length);
    for (const line of sampleLines) expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]* \S+$/);
  });

  it('writes special values as Prometheus spells them and escapes help', () => {
    expect(
      prometheusText([
        { name: 'a', type: 'gauge', help: 'line\\one\nline two', value: Number.NaN },
        { name: 'b', type: 'gauge', help: 'b', value: Number.POSITIVE_INFINITY },
        { name: 'c', type: 'counter', help: 'c', value: Number.NEGATIVE_INFINITY },
      ]),
    ).toBe(
      '# HELP mesos_a line\\\\one\\nline two\n# TYPE mesos_a gauge\nmesos_a NaN\n' +
        '# HELP mesos_b b\n# TYPE mesos_b gauge\nmesos_b +Inf\n' +
        '# HELP mesos_c c\n# TYPE mesos_c counter\nmesos_c -Inf\n',
    );
  });

  it('keeps the first of two metrics whose names sanitize alike', () => {
    const text = prometheusText([
      { name: 'x/y', type: 'gauge', help: 'first', value: 1 },
      { name: 'x_y', type: 'gauge', help: 'second', value: 2 },
    ]);
    expect(text).toBe('# HELP mesos_x_y first\n# TYPE mesos_x_y gauge\nmesos_x_y 1\n');
  });

  it('names the text format version in its content type', () => {
    expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
