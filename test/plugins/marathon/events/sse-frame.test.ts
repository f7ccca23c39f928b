import { appTerminatedEvent } from '@mesolite/plugin-marathon/events/event-builders';
import { eventFrame, SSE_HEARTBEAT, sseFrame } from '@mesolite/plugin-marathon/events/sse-frame';
import { describe, expect, it } from 'vitest';

describe('SSE framing, as Jetty’s EventSourceServlet writes it', () => {
  it('names the event and ends every field and the event with CRLF', () => {
    expect(sseFrame('status_update_event', '{"a":1}')).toBe(
      'event: status_update_event\r\ndata: {"a":1}\r\n\r\n',
    );
  });

  it('writes each line of the data as its own data field', () => {
    expect(sseFrame('x', 'one\ntwo\r\nthree\rfour\n')).toBe(
      'event: x\r\ndata: one\r\ndata: two\r\ndata: three\r\ndata: four\r\n\r\n',
    );
  });

  it('frames a bus event under its eventType with its JSON as data', () => {
    const event = appTerminatedEvent({ appId: '/a' }, new Date('2020-01-01T00:00:00.000Z'));
    expect(eventFrame(event)).toBe(
      'event: app_terminated_event\r\n' +
        'data: {"appId":"/a","eventType":"app_terminated_event","timestamp":"2020-01-01T00:00:00.000Z"}\r\n\r\n',
    );
  });

  it('keeps alive with a bare line end, which dispatches nothing', () => {
    expect(SSE_HEARTBEAT).toBe('\r\n');
  });
});
