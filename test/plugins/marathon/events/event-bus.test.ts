import {
  appTerminatedEvent,
  eventStreamAttached,
  groupChangeSuccessEvent,
} from '@mesolite/plugin-marathon/events/event-builders';
import { EventBus } from '@mesolite/plugin-marathon/events/event-bus';
import type { MarathonEvent } from '@mesolite/plugin-marathon/events/marathon-events';
import { describe, expect, it } from 'vitest';

const terminated = (appId: string) => appTerminatedEvent({ appId });

describe('EventBus', () => {
  it('delivers every published event to every subscriber', () => {
    const bus = new EventBus();
    const first: MarathonEvent[] = [];
    const second: MarathonEvent[] = [];
    bus.subscribe((event) => first.push(event));
    bus.subscribe((event) => second.push(event));
    const event = terminated('/a');
    bus.publish(event);
    expect(first).toEqual([event]);
    expect(second).toEqual([event]);
  });

  it('delivers only the requested types through on(), typed as those types', () => {
    const bus = new EventBus();
    const appIds: string[] = [];
    bus.on(['app_terminated_event'], (event) => appIds.push(event.appId));
    bus.publish(groupChangeSuccessEvent({ groupId: '/g', version: 'v' }));
    bus.publish(terminated('/a'));
    expect(appIds).toEqual(['/a']);
  });

  it('stops delivering to a subscription once it is cancelled', () => {
    const bus = new EventBus();
    const seen: MarathonEvent[] = [];
    const unsubscribe = bus.subscribe((event) => seen.push(event));
    unsubscribe();
    bus.publish(terminated('/a'));
    expect(seen).toEqual([]);
    expect(bus.subscriberCount).toBe(0);
  });

  it('gives every subscriber the same order when a listener publishes during delivery', () => {
    const bus = new EventBus();
    const first: string[] = [];
    const second: string[] = [];
    bus.subscribe((event) => {
      first.push(event.eventType);
      if (event.eventType === 'app_terminated_event') {
        bus.publish(eventStreamAttached({ remoteAddress: '127.0.0.1' }));
      }
    });
    bus.subscribe((event) => second.push(event.eventType));
    bus.publish(terminated('/a'));
    expect(first).toEqual(['app_terminated_event', 'event_stream_attached']);
    expect(second).toEqual(first);
  });

  it('keeps delivering to the others when a listener throws, and reports the error', () => {
    const errors: object[] = [];
    const bus = new EventBus({ log: { error: (fields) => errors.push(fields) } });
    const seen: MarathonEvent[] = [];
    bus.subscribe(() => {
      throw new Error('broken subscriber');
    });
    bus.subscribe((event) => seen.push(event));
    bus.publish(terminated('/a'));
    expect(seen).toHaveLength(1);
    expect(errors).toEqual([
      expect.objectContaining({ eventType: 'app_terminated_event', err: expect.any(Error) }),
    ]);
  });
});
