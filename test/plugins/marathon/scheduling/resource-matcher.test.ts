import type { Resource } from '@mesolite/daemon/protocol/mesos';
import {
  isMatch,
  type MatchResult,
  type ResourceMatch,
} from '@mesolite/plugin-marathon/scheduling/feasibility';
import { matchResources } from '@mesolite/plugin-marathon/scheduling/resource-matcher';
import { describe, expect, it } from 'vitest';
import { lowestFirst, offer, ports, request, scalar } from './fixtures.js';

function expectMatch(result: MatchResult): ResourceMatch {
  if (!isMatch(result)) throw new Error(`expected a match, got ${result.reasons.join(', ')}`);
  return result;
}

function reasonsOf(result: MatchResult): string[] {
  return isMatch(result) ? [] : result.reasons;
}

const options = { random: lowestFirst };

describe('scalar resources', () => {
  it('reports InsufficientCpus when the offer has too few cpus', () => {
    expect(reasonsOf(matchResources(request({ cpus: 2 }), offer({ cpus: 1.5 })))).toEqual([
      'InsufficientCpus',
    ]);
  });

  it('reports InsufficientMemory when the offer has too little memory', () => {
    expect(reasonsOf(matchResources(request({ mem: 512 }), offer({ mem: 256 })))).toEqual([
      'InsufficientMemory',
    ]);
  });

  it('reports InsufficientDisk when the offer has too little disk', () => {
    expect(reasonsOf(matchResources(request({ disk: 100 }), offer({ disk: 50 })))).toEqual([
      'InsufficientDisk',
    ]);
  });

  it('reports InsufficientGpus when the app needs gpus the offer does not have', () => {
    expect(reasonsOf(matchResources(request({ gpus: 1 }), offer()))).toEqual(['InsufficientGpus']);
  });

  it('reports every scalar that is short, in Marathon order', () => {
    const result = matchResources(request({ cpus: 8, mem: 8192, disk: 1 }), offer({ disk: 0 }));
    expect(reasonsOf(result)).toEqual([
      'InsufficientCpus',
      'InsufficientMemory',
      'InsufficientDisk',
    ]);
  });

  it('compares in thousandths, so 0.1 + 0.2 cpus cover a request of 0.3', () => {
    const target = offer({
      resources: [scalar('cpus', 0.1), scalar('cpus', 0.2, 'web'), scalar('mem', 128)],
    });
    const result = matchResources(request({ cpus: 0.3, role: 'web' }), target);
    expect(isMatch(result)).toBe(true);
  });

  it('cuts exactly the requested amounts from the offered resources', () => {
    const match = expectMatch(matchResources(request({ cpus: 0.5, mem: 64, disk: 10 }), offer()));
    expect(match.matched).toEqual([scalar('cpus', 0.5), scalar('mem', 64), scalar('disk', 10)]);
  });

  it('takes a scalar from several offered resources in offer order', () => {
    const target = offer({
      resources: [scalar('cpus', 1, 'web'), scalar('cpus', 2), scalar('mem', 256)],
    });
    const match = expectMatch(matchResources(request({ cpus: 2, role: 'web' }), target));
    expect(match.matched.filter((resource) => resource.name === 'cpus')).toEqual([
      scalar('cpus', 1, 'web'),
      scalar('cpus', 1),
    ]);
  });

  it('does not use a disk that holds a persistent volume', () => {
    // Mesos's DiskInfo, which the protocol types leave out, rides along on the resource.
    const volumeDisk: Resource = Object.assign(scalar('disk', 1000), {
      disk: { persistence: { id: 'v1' }, volume: { container_path: 'data', mode: 'RW' } },
    });
    const target = offer({ resources: [scalar('cpus', 1), scalar('mem', 256), volumeDisk] });
    expect(reasonsOf(matchResources(request({ disk: 10 }), target))).toEqual(['InsufficientDisk']);
  });
});

describe('acceptedResourceRoles', () => {
  const reservedForWeb = offer({
    resources: [
      scalar('cpus', 4, 'web'),
      scalar('mem', 1024, 'web'),
      ports([[31000, 31010]], 'web'),
    ],
  });

  it('by default leaves resources reserved for another role alone (UnfulfilledRole)', () => {
    expect(reasonsOf(matchResources(request(), reservedForWeb))).toContain('UnfulfilledRole');
  });

  it("by default uses resources reserved for the app's own role", () => {
    expect(isMatch(matchResources(request({ role: 'web' }), reservedForWeb))).toBe(true);
  });

  it('uses reserved resources when the app accepts their role', () => {
    const result = matchResources(request({ acceptedResourceRoles: ['web'] }), reservedForWeb);
    expect(isMatch(result)).toBe(true);
  });

  it('refuses unreserved resources when the app accepts only a reserved role', () => {
    const result = matchResources(request({ acceptedResourceRoles: ['web'] }), offer());
    expect(reasonsOf(result)).toEqual([
      'InsufficientCpus',
      'InsufficientMemory',
      'UnfulfilledRole',
    ]);
  });

  it('reads the role from the older "role" field too', () => {
    const target = offer({
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: 'web' },
        { name: 'mem', type: 'SCALAR', scalar: { value: 256 }, role: 'web' },
      ],
    });
    expect(isMatch(matchResources(request({ acceptedResourceRoles: ['web'] }), target))).toBe(true);
  });
});

describe('ports', () => {
  it('gives a port from the offered ranges for hostPort 0', () => {
    const req = request({ ports: [{ hostPort: 0 }], portSource: 'portMappings' });
    const match = expectMatch(matchResources(req, offer({ ports: [[31000, 31099]] }), options));
    expect(match.hostPorts).toEqual([31000]);
    expect(match.matched.at(-1)).toEqual(ports([[31000, 31000]]));
  });

  it('chooses dynamic ports at random, starting anywhere in the offered ranges', () => {
    const req = request({ ports: [{ hostPort: 0 }, { hostPort: 0 }], portSource: 'portMappings' });
    const match = expectMatch(
      matchResources(req, offer({ ports: [[31000, 31099]] }), { random: () => 0.5 }),
    );
    expect(match.hostPorts).toEqual([31050, 31051]);
  });

  it('gives a fixed host port when the offer has it', () => {
    const req = request({ ports: [{ hostPort: 31050 }], portSource: 'portMappings' });
    expect(expectMatch(matchResources(req, offer(), options)).hostPorts).toEqual([31050]);
  });

  it('reports InsufficientPorts when a fixed host port is not offered', () => {
    const req = request({ ports: [{ hostPort: 8080 }], portSource: 'portMappings' });
    expect(reasonsOf(matchResources(req, offer(), options))).toEqual(['InsufficientPorts']);
  });

  it('reports InsufficientPorts when the offer has fewer ports than requested', () => {
    const req = request({ ports: [{ hostPort: 0 }, { hostPort: 0 }, { hostPort: 0 }] });
    const result = matchResources(req, offer({ ports: [[31000, 31001]] }), options);
    expect(reasonsOf(result)).toEqual(['InsufficientPorts']);
  });

  it('never gives a fixed port to a dynamic request as well', () => {
    const req = request({
      ports: [{ hostPort: 0 }, { hostPort: 31000 }],
      portSource: 'portMappings',
    });
    const match = expectMatch(matchResources(req, offer({ ports: [[31000, 31001]] }), options));
    expect(match.hostPorts).toEqual([31001, 31000]);
  });

  it('refuses the same fixed port requested twice', () => {
    const req = request({
      ports: [{ hostPort: 31000 }, { hostPort: 31000 }],
      portSource: 'portMappings',
    });
    expect(reasonsOf(matchResources(req, offer(), options))).toEqual(['InsufficientPorts']);
  });

  it('with requirePorts, gives exactly the portDefinitions ports', () => {
    const req = request({ ports: [{ hostPort: 31010 }, { hostPort: 31005 }], requirePorts: true });
    expect(expectMatch(matchResources(req, offer(), options)).hostPorts).toEqual([31010, 31005]);
  });

  it('with requirePorts, reports InsufficientPorts when a port is not offered', () => {
    const req = request({ ports: [{ hostPort: 10000 }], requirePorts: true });
    expect(reasonsOf(matchResources(req, offer(), options))).toEqual(['InsufficientPorts']);
  });

  it('without requirePorts, takes any offered ports for portDefinitions', () => {
    const req = request({ ports: [{ hostPort: 10000 }, { hostPort: 10001 }] });
    expect(expectMatch(matchResources(req, offer(), options)).hostPorts).toEqual([31000, 31001]);
  });

  it('writes the chosen ports as coalesced ranges of the resource they came from', () => {
    const target = offer({
      resources: [
        scalar('cpus', 1),
        scalar('mem', 256),
        ports([[31000, 31001]], 'web'),
        ports([[32000, 32000]]),
      ],
    });
    const req = request({
      role: 'web',
      ports: [{ hostPort: 31001 }, { hostPort: 32000 }, { hostPort: 31000 }],
      portSource: 'portMappings',
    });
    const match = expectMatch(matchResources(req, target, options));
    expect(match.matched.filter((resource) => resource.name === 'ports')).toEqual([
      ports([[31000, 31001]], 'web'),
      ports([[32000, 32000]]),
    ]);
  });

  it('reports InsufficientPorts only when everything else fits', () => {
    const req = request({ cpus: 16, ports: [{ hostPort: 8080 }], portSource: 'portMappings' });
    expect(reasonsOf(matchResources(req, offer(), options))).toEqual(['InsufficientCpus']);
  });
});
