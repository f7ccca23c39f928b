/** Calls Cosmos's API as DC/OS clients do: DC/OS media types on the request and in Accept. */
import type { Json } from '../../support/raw-mesos-scheduler.js';

export interface CosmosAnswer {
  status: number;
  contentType: string | null;
  warnings: string | null;
  body: Json;
}

export async function cosmos(
  base: string,
  path: string,
  kind: string,
  body: unknown,
  responseVersion = 1,
): Promise<CosmosAnswer> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': `application/vnd.dcos.package.${kind}-request+json;charset=utf-8;version=v1`,
      accept: `application/vnd.dcos.package.${kind}-response+json;charset=utf-8;version=v${responseVersion}`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    warnings: response.headers.get('warning'),
    body: text === '' ? undefined : JSON.parse(text),
  };
}
