/**
 * `aurora job diff`: what would change between a job's current configuration and a
 * proposed one, field by field (dotted paths, list items by index), pure.
 */
export interface ConfigChange {
  readonly path: string;
  readonly current?: unknown;
  readonly proposed?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function configDiff(current: unknown, proposed: unknown, path = ''): ConfigChange[] {
  if (isObject(current) && isObject(proposed)) {
    const keys = [...new Set([...Object.keys(current), ...Object.keys(proposed)])].sort();
    return keys.flatMap((key) =>
      configDiff(current[key], proposed[key], path === '' ? key : `${path}.${key}`),
    );
  }
  if (Array.isArray(current) && Array.isArray(proposed)) {
    const length = Math.max(current.length, proposed.length);
    return Array.from({ length }, (_, index) =>
      configDiff(current[index], proposed[index], `${path}[${index}]`),
    ).flat();
  }
  if (JSON.stringify(current) === JSON.stringify(proposed)) return [];
  return [
    {
      path,
      ...(current === undefined ? {} : { current }),
      ...(proposed === undefined ? {} : { proposed }),
    },
  ];
}
