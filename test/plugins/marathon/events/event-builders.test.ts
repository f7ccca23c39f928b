import {
  apiPostEvent,
  appTerminatedEvent,
  deploymentFailedEvent,
  deploymentInfoEvent,
  deploymentStepFailureEvent,
  deploymentStepSuccessEvent,
  deploymentSuccessEvent,
  eventStreamAttached,
  eventStreamDetached,
  failedHealthCheckEvent,
  groupChangeSuccessEvent,
  healthStatusChangedEvent,
  instanceChangedEvent,
  instanceHealthChangedEvent,
  statusUpdateEvent,
  subscribeEvent,
  unhealthyInstanceKillEvent,
  unsubscribeEvent,
} from '@mesolite/plugin-marathon/events/event-builders';
import {
  type DeploymentPlanJson,
  isMarathonEventType,
  MARATHON_EVENT_TYPES,
} from '@mesolite/plugin-marathon/events/marathon-events';
import { describe, expect, it } from 'vitest';

// Two data lines of Marathon's docs/docs/rest-api/public/api/v2/examples/events.txt,
// the stream sample its API reference shows. Key order is what Marathon wrote.
const EXAMPLE_ATTACHED =
  '{"remoteAddress":"0:0:0:0:0:0:0:1","eventType":"event_stream_attached","timestamp":"2015-09-30T12:44:30.061Z"}';
const EXAMPLE_STATUS_UPDATE =
  '{"slaveId":"20150707-153709-201330860-5050-12052-S0","taskId":"test-app.5dd78972-6771-11e5-94e1-be5b2935a987","taskStatus":"TASK_RUNNING","message":"","appId":"/test-app","host":"srv4.hw.ca1.mesosphere.com","ports":[31182],"version":"2015-09-11T22:11:03.156Z","eventType":"status_update_event","timestamp":"2015-09-30T12:47:11.286Z"}';

const AT = new Date('2015-09-30T12:47:11.286Z');

const PLAN: DeploymentPlanJson = {
  id: '867ed450-f6a8-4d33-9b0e-e11c5513990b',
  steps: [{ actions: [{ action: 'ScaleApplication', app: '/my-app' }] }],
  version: '2014-03-01T23:24:14.846Z',
};
const STEP = { actions: [{ action: 'ScaleApplication' as const, app: '/my-app' }] };
const HEALTH_CHECK = { protocol: 'HTTP', path: '/health', portIndex: 0 };

const keysOf = (json: string): string[] => Object.keys(JSON.parse(json) as object);

describe('event shapes, against Marathon', () => {
  it('writes event_stream_attached exactly as the events.txt sample', () => {
    const event = eventStreamAttached({ remoteAddress: '0:0:0:0:0:0:0:1' }, AT);
    expect(Object.keys(event)).toEqual(keysOf(EXAMPLE_ATTACHED));
  });

  it('writes status_update_event as the sample, with ipAddresses where Marathon 1.x added it', () => {
    const event = statusUpdateEvent(
      {
        slaveId: '20150707-153709-201330860-5050-12052-S0',
        taskId: 'test-app.5dd78972-6771-11e5-94e1-be5b2935a987',
        taskStatus: 'TASK_RUNNING',
        message: '',
        appId: '/test-app',
        host: 'srv4.hw.ca1.mesosphere.com',
        ipAddresses: [{ ipAddress: '10.0.0.4', protocol: 'IPv4' }],
        ports: [31182],
        version: '2015-09-11T22:11:03.156Z',
      },
      AT,
    );
    const expected = keysOf(EXAMPLE_STATUS_UPDATE);
    expected.splice(expected.indexOf('ports'), 0, 'ipAddresses');
    expect(Object.keys(event)).toEqual(expected);
    const { ipAddresses: _ignored, ...rest } = event;
    expect(JSON.stringify(rest)).toBe(EXAMPLE_STATUS_UPDATE);
  });

  it('formats timestamps as Marathon does: UTC with milliseconds', () => {
    const event = appTerminatedEvent({ appId: '/a' }, new Date(Date.UTC(2014, 2, 1, 23, 29, 30)));
    expect(event.timestamp).toBe('2014-03-01T23:29:30.000Z');
  });

  it('writes api_post_event with clientIp, uri and the app definition', () => {
    const event = apiPostEvent(
      { clientIp: '0:0:0:0:0:0:0:1', uri: '/v2/apps/my-app', appDefinition: { id: '/my-app' } },
      AT,
    );
    expect(Object.keys(event)).toEqual([
      'clientIp',
      'uri',
      'appDefinition',
      'eventType',
      'timestamp',
    ]);
    expect(event.eventType).toBe('api_post_event');
  });

  it('writes health_status_changed_event with appId, instanceId, version and alive', () => {
    const event = healthStatusChangedEvent(
      { appId: '/my-app', instanceId: 'my-app.instance-1', version: PLAN.version, alive: true },
      AT,
    );
    expect(Object.keys(event)).toEqual([
      'appId',
      'instanceId',
      'version',
      'alive',
      'eventType',
      'timestamp',
    ]);
  });

  it('writes the instance id of failed_health_check_event under taskId, as Marathon does', () => {
    const event = failedHealthCheckEvent(
      { appId: '/my-app', instanceId: 'my-app.instance-1', healthCheck: HEALTH_CHECK },
      AT,
    );
    expect(Object.keys(event)).toEqual([
      'appId',
      'eventType',
      'healthCheck',
      'taskId',
      'timestamp',
    ]);
    expect(event.taskId).toBe('my-app.instance-1');
  });

  it('leaves slaveId out of unhealthy_instance_kill_event when the agent is unknown', () => {
    const fields = {
      appId: '/my-app',
      taskId: 'my-app.instance-1._app.1',
      instanceId: 'my-app.instance-1',
      version: PLAN.version,
      reason: '500 Internal Server Error',
      host: 'localhost',
    };
    expect(Object.keys(unhealthyInstanceKillEvent(fields, AT))).toEqual([
      'appId',
      'taskId',
      'instanceId',
      'version',
      'reason',
      'host',
      'eventType',
      'timestamp',
    ]);
    expect(unhealthyInstanceKillEvent({ ...fields, slaveId: 'S0' }, AT).slaveId).toBe('S0');
  });

  it('writes instance_changed_event with null agentId and host before placement', () => {
    const event = instanceChangedEvent(
      {
        instanceId: 'my-app.instance-1',
        condition: 'Staging',
        runSpecId: '/my-app',
        agentId: null,
        host: null,
        runSpecVersion: PLAN.version,
      },
      AT,
    );
    expect(JSON.parse(JSON.stringify(event))).toMatchObject({ agentId: null, host: null });
    expect(Object.keys(event)).toEqual([
      'instanceId',
      'condition',
      'runSpecId',
      'agentId',
      'host',
      'runSpecVersion',
      'timestamp',
      'eventType',
    ]);
  });

  it('writes instance_health_changed_event with healthy, null while unknown', () => {
    const event = instanceHealthChangedEvent(
      {
        instanceId: 'my-app.instance-1',
        runSpecId: '/my-app',
        healthy: null,
        runSpecVersion: PLAN.version,
      },
      AT,
    );
    expect(Object.keys(event)).toEqual([
      'instanceId',
      'runSpecId',
      'healthy',
      'runSpecVersion',
      'timestamp',
      'eventType',
    ]);
    expect(event.healthy).toBeNull();
  });

  it('writes the three deployment step events with plan and currentStep', () => {
    const builders = [deploymentInfoEvent, deploymentStepSuccessEvent, deploymentStepFailureEvent];
    const events = builders.map((build) => build({ plan: PLAN, currentStep: STEP }, AT));
    expect(events.map((event) => event.eventType)).toEqual([
      'deployment_info',
      'deployment_step_success',
      'deployment_step_failure',
    ]);
    for (const event of events) {
      expect(Object.keys(event)).toEqual(['plan', 'currentStep', 'eventType', 'timestamp']);
    }
  });

  it('writes deployment_success with the id and the plan', () => {
    const event = deploymentSuccessEvent({ id: PLAN.id, plan: PLAN }, AT);
    expect(Object.keys(event)).toEqual(['id', 'plan', 'eventType', 'timestamp']);
  });

  it('writes deployment_failed with its reason last, and without it when there is none', () => {
    expect(Object.keys(deploymentFailedEvent({ id: PLAN.id, plan: PLAN }, AT))).toEqual([
      'id',
      'plan',
      'eventType',
      'timestamp',
    ]);
    const failed = deploymentFailedEvent({ id: PLAN.id, plan: PLAN, reason: 'killed' }, AT);
    expect(Object.keys(failed).at(-1)).toBe('reason');
  });

  it('writes group_change_success with groupId and version', () => {
    const event = groupChangeSuccessEvent({ groupId: '/product-a/backend', version: 'v' }, AT);
    expect(Object.keys(event)).toEqual(['groupId', 'version', 'eventType', 'timestamp']);
  });

  it('writes subscription and stream events with Marathon’s names', () => {
    const subscription = { clientIp: '1.2.3.4', callbackUrl: 'http://subscriber.acme.org/c' };
    expect(subscribeEvent(subscription, AT).eventType).toBe('subscribe_event');
    expect(unsubscribeEvent(subscription, AT).eventType).toBe('unsubscribe_event');
    expect(eventStreamDetached({ remoteAddress: '1.2.3.4' }, AT).eventType).toBe(
      'event_stream_detached',
    );
    expect(Object.keys(subscribeEvent(subscription, AT))).toEqual([
      'clientIp',
      'callbackUrl',
      'eventType',
      'timestamp',
    ]);
  });
});

describe('the list of event types', () => {
  it('names each of Marathon’s event types once', () => {
    expect(new Set(MARATHON_EVENT_TYPES).size).toBe(MARATHON_EVENT_TYPES.length);
    expect(MARATHON_EVENT_TYPES).toContain('deployment_step_failure');
    expect(isMarathonEventType('status_update_event')).toBe(true);
    expect(isMarathonEventType('toString')).toBe(false);
  });
});
