/**
 * HTTP(S) health checks as Mesos's built-in executors run them: `curl -s -S -L -k`
 * against `scheme://host:port/path`, following redirects, not verifying certificates,
 * and counting the final status in [200, 399] as healthy. mesolite also honours
 * HTTPCheckInfo.statuses when it is set (Mesos's executors ignore it; the proto leaves
 * it to executors), so a framework can name the statuses it accepts.
 */
import { request as httpRequest, type IncomingMessage, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ProbeSpec } from './health-check-config.js';
import { defaultHost, type Probe, type ProbeOutcome } from './probe.js';

/** curl's default limit for -L. */
export const MAX_HEALTH_REDIRECTS = 50;

type HttpSpec = Extract<ProbeSpec, { type: 'HTTP' }>;

/** Mesos's Status::string: "503 Service Unavailable". */
export function describeStatus(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `${status} ${text}` : String(status);
}

/** Whether `status` counts as healthy: the listed statuses, else Mesos's [200, 399]. */
export function isHealthyStatus(status: number, statuses: readonly number[] | undefined): boolean {
  return statuses ? statuses.includes(status) : status >= 200 && status < 400;
}

function get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    const request = (https ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      // No pooling: nothing of a check outlives it.
      agent: false,
      signal,
      headers: { 'user-agent': 'mesolite-health-check', accept: '*/*' },
      // curl -k: tasks serve self-signed certificates; the check is about liveness.
      ...(https ? { rejectUnauthorized: false } : {}),
    });
    request.on('response', resolve);
    request.on('error', reject);
    request.end();
  });
}

export function httpProbe(spec: HttpSpec, host: string | undefined): Probe {
  const address = host ?? defaultHost(spec.ipv6);
  const authority = address.includes(':') ? `[${address}]` : address;
  const start = `${spec.scheme}://${authority}:${spec.port}${spec.path}`;
  return async (signal): Promise<ProbeOutcome> => {
    let url = new URL(start);
    let status = 0;
    for (let redirects = 0; ; redirects++) {
      const response = await get(url, signal);
      // The body is not needed, but must be consumed for the socket to close.
      response.resume();
      status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status < 300 || status >= 400 || location === undefined) break;
      if (redirects >= MAX_HEALTH_REDIRECTS) {
        return {
          healthy: false,
          reason: `maximum (${MAX_HEALTH_REDIRECTS}) redirects followed`,
        };
      }
      url = new URL(location, url);
    }
    return isHealthyStatus(status, spec.statuses)
      ? { healthy: true }
      : { healthy: false, reason: `Unexpected HTTP response code: ${describeStatus(status)}` };
  };
}
