import type { MarathonEvent } from './marathon-events.js';

/*
 * Marathon serves /v2/events through Jetty's EventSourceServlet, and clients written for
 * Marathon parse what that servlet writes: fields end with CRLF, an event ends with an
 * empty line, and every line of the payload becomes its own `data:` field.
 * (marathon-lb, for one, splits what it reads on "\r\n".)
 */

const CRLF = '\r\n';

/**
 * Jetty's keep-alive, written every heartBeatPeriod (10 s by default): a bare line end.
 * To an SSE parser it is an empty line with no data, so nothing is dispatched; to the
 * server, a write that fails is how a vanished client is noticed.
 */
export const SSE_HEARTBEAT = CRLF;

/** Jetty's EventSourceServlet heartBeatPeriod default, which Marathon keeps. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;

/** One server-sent event: `event: <name>` and the data, one `data:` field per line. */
export function sseFrame(eventName: string, data: string): string {
  let frame = `event: ${eventName}${CRLF}`;
  for (const line of readLines(data)) {
    frame += `data: ${line}${CRLF}`;
  }
  return frame + CRLF;
}

// Java's BufferedReader.readLine, which Jetty uses to cut the payload: a line ends at
// \n, \r or \r\n, and a final line end does not start another (empty) line.
function readLines(data: string): string[] {
  if (data === '') return [];
  const lines = data.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

// Every client of the stream gets the same bytes for an event, so it is framed once,
// however many clients there are (Marathon keeps the JSON in a lazy val for the same
// reason). Keyed weakly so a frame lives no longer than its event.
const frames = new WeakMap<MarathonEvent, string>();

/** The frame /v2/events writes for an event: its eventType as the name, its JSON as data. */
export function eventFrame(event: MarathonEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = sseFrame(event.eventType, JSON.stringify(event));
    frames.set(event, frame);
  }
  return frame;
}
