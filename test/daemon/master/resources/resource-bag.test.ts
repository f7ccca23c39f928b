import { ResourceBag } from '@mesolite/daemon/master/resources/resource-bag';
import { describe, expect, it } from 'vitest';

const bag = ResourceBag.of;

describe('scalars', () => {
  it('add in fixed point, so 0.1 + 0.2 is exactly 0.3', () => {
    expect(
      bag({ cpus: 0.1 })
        .add(bag({ cpus: 0.2 }))
        .scalar('cpus'),
    ).toBe(0.3);
  });

  it('do not drift over many additions and subtractions', () => {
    let total = ResourceBag.EMPTY;
    for (let i = 0; i < 1000; i++) total = total.add(bag({ cpus: 0.1, mem: 0.3 }));
    expect(total.equals(bag({ cpus: 100, mem: 300 }))).toBe(true);
    for (let i = 0; i < 1000; i++) total = total.subtract(bag({ cpus: 0.1, mem: 0.3 }));
    expect(total.isEmpty()).toBe(true);
  });

  it('are rounded to three decimals, as Mesos stores them', () => {
    expect(bag({ cpus: 0.0016 }).scalar('cpus')).toBe(0.002);
    expect(bag({ cpus: 0.0004 }).isEmpty()).toBe(true);
  });

  it('vanish when they reach zero', () => {
    expect(
      bag({ cpus: 2 })
        .subtract(bag({ cpus: 2 }))
        .isEmpty(),
    ).toBe(true);
    expect(bag({ cpus: 0, gpus: 0 }).isEmpty()).toBe(true);
  });

  it('work for any resource name', () => {
    expect(
      bag({ bandwidth: 100 })
        .add(bag({ bandwidth: 50 }))
        .scalar('bandwidth'),
    ).toBe(150);
  });
});

describe('ranges', () => {
  it('are kept sorted and merged, adjacent ones too', () => {
    const ports = bag({
      ports: [
        [5, 6],
        [10, 12],
        [1, 3],
        [4, 4],
      ],
    });
    expect(ports.ranges('ports')).toEqual([
      [1, 6],
      [10, 12],
    ]);
  });

  it('merge overlapping ranges when added', () => {
    const ports = bag({ ports: [[100, 200]] }).add(bag({ ports: [[150, 300]] }));
    expect(ports.ranges('ports')).toEqual([[100, 300]]);
  });

  it('split a range when a part in the middle is taken', () => {
    const ports = bag({ ports: [[31000, 32000]] }).subtract(bag({ ports: [[31005, 31006]] }));
    expect(ports.ranges('ports')).toEqual([
      [31000, 31004],
      [31007, 32000],
    ]);
  });

  it('lose every part a difference covers, even across several held ranges', () => {
    const ports = bag({
      ports: [
        [1, 10],
        [20, 30],
        [40, 50],
      ],
    }).difference(
      bag({
        ports: [
          [5, 10],
          [20, 45],
        ],
      }),
    );
    expect(ports.ranges('ports')).toEqual([
      [1, 4],
      [46, 50],
    ]);
  });

  it('contain only ranges that lie entirely within them', () => {
    const held = bag({
      ports: [
        [1, 10],
        [20, 30],
      ],
    });
    expect(
      held.contains(
        bag({
          ports: [
            [2, 3],
            [25, 30],
          ],
        }),
      ),
    ).toBe(true);
    expect(held.contains(bag({ ports: [[9, 20]] }))).toBe(false);
    expect(held.contains(bag({ ports: [[31, 31]] }))).toBe(false);
  });
});

describe('sets', () => {
  it('add as a union and subtract as a difference', () => {
    const zones = bag({ zones: ['a', 'b'] }).add(bag({ zones: ['b', 'c'] }));
    expect(zones.set('zones')).toEqual(['a', 'b', 'c']);
    expect(zones.subtract(bag({ zones: ['b'] })).set('zones')).toEqual(['a', 'c']);
  });

  it('contain only subsets', () => {
    expect(bag({ zones: ['a', 'b'] }).contains(bag({ zones: ['a'] }))).toBe(true);
    expect(bag({ zones: ['a', 'b'] }).contains(bag({ zones: ['a', 'z'] }))).toBe(false);
  });
});

describe('bags', () => {
  it('refuse to subtract what they do not hold, with a coded error naming both sides', () => {
    expect(() => bag({ cpus: 1, mem: 512 }).subtract(bag({ cpus: 2 }))).toThrow(
      expect.objectContaining({
        code: 'MESOLITE_ERR_RESOURCES_NOT_CONTAINED',
        message: expect.stringMatching(/cpus:2.*cpus:1; mem:512/),
      }),
    );
  });

  it('saturate at nothing with difference, as Mesos subtraction does', () => {
    const left = bag({ cpus: 1, mem: 512 }).difference(bag({ cpus: 2, mem: 100 }));
    expect(left.equals(bag({ mem: 412 }))).toBe(true);
  });

  it('are equal whatever order their resources were added in', () => {
    const a = bag({ cpus: 1 })
      .add(bag({ mem: 2 }))
      .add(bag({ ports: [[1, 2]] }));
    const b = bag({ ports: [[1, 2]] }).add(bag({ mem: 2, cpus: 1 }));
    expect(a.equals(b)).toBe(true);
    expect(a.equals(b.add(bag({ cpus: 1 })))).toBe(false);
  });

  it('contain any bag of less of everything, and the empty bag', () => {
    const agent = bag({ cpus: 4, mem: 4096, ports: [[31000, 32000]] });
    expect(agent.contains(bag({ cpus: 4, mem: 1, ports: [[31000, 31000]] }))).toBe(true);
    expect(agent.contains(bag({ cpus: 4.001 }))).toBe(false);
    expect(agent.contains(bag({ gpus: 1 }))).toBe(false);
    expect(agent.contains(ResourceBag.EMPTY)).toBe(true);
  });

  it('refuse one name with two types', () => {
    expect(() => bag({ ports: 3 }).add(bag({ ports: [[1, 2]] }))).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_RESOURCES' }),
    );
  });

  it('report scalar quantities summed over roles, without ranges or sets', () => {
    const mixed = bag({ cpus: 1, mem: 64, ports: [[1, 5]], zones: ['a'] }).add(
      bag({ cpus: 2 }, 'web'),
    );
    expect(Object.fromEntries(mixed.quantities())).toEqual({ cpus: 3, mem: 64 });
  });

  it('never change: every operation returns a new bag', () => {
    const original = bag({ cpus: 2 });
    original.add(bag({ cpus: 1 }));
    original.subtract(bag({ cpus: 1 }));
    expect(original.scalar('cpus')).toBe(2);
  });
});

describe('reservations', () => {
  it('keep resources reserved for a role apart from unreserved ones', () => {
    const agent = bag({ cpus: 2 }).add(bag({ cpus: 1 }, 'web'));
    expect(agent.scalar('cpus')).toBe(3);
    expect(agent.contains(bag({ cpus: 3 }))).toBe(false);
    expect(agent.unreserved().equals(bag({ cpus: 2 }))).toBe(true);
    expect(agent.reservationRoles()).toEqual(['web']);
  });

  it('are allocatable to their role and its sub-roles only', () => {
    const agent = bag({ cpus: 2 }).add(bag({ cpus: 1 }, 'web'));
    expect(agent.allocatableTo('web').scalar('cpus')).toBe(3);
    expect(agent.allocatableTo('web/api').scalar('cpus')).toBe(3);
    expect(agent.allocatableTo('webapp').scalar('cpus')).toBe(2);
    expect(agent.allocatableTo('*').scalar('cpus')).toBe(2);
  });

  it('refuse a role Mesos would refuse', () => {
    expect(() => bag({ cpus: 1 }, 'web/../ops')).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_RESOURCES' }),
    );
  });
});

describe('Mesos v1 JSON', () => {
  const resources = [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 4 } },
    { name: 'mem', type: 'SCALAR', scalar: { value: 2048 }, role: '*' },
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } },
    { name: 'zones', type: 'SET', set: { item: ['b', 'a'] } },
    {
      name: 'disk',
      type: 'SCALAR',
      scalar: { value: 100 },
      reservations: [{ type: 'STATIC', role: 'web' }],
    },
  ];

  it('is read into a bag', () => {
    const read = ResourceBag.fromMesos(resources);
    const expected = bag({ cpus: 4, mem: 2048, ports: [[31000, 32000]], zones: ['a', 'b'] }).add(
      bag({ disk: 100 }, 'web'),
    );
    expect(read.equals(expected)).toBe(true);
  });

  it('takes the role of the last reservation, or the legacy role field', () => {
    const refined = ResourceBag.fromMesos([
      {
        name: 'cpus',
        type: 'SCALAR',
        scalar: { value: 1 },
        reservations: [{ role: 'eng' }, { role: 'eng/web' }],
      },
    ]);
    const legacy = ResourceBag.fromMesos([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: 'eng' },
    ]);
    expect(refined.reservationRoles()).toEqual(['eng/web']);
    expect(legacy.reservationRoles()).toEqual(['eng']);
  });

  it('round-trips through toMesos', () => {
    const read = ResourceBag.fromMesos(resources);
    expect(ResourceBag.fromMesos(read.toMesos()).equals(read)).toBe(true);
  });

  it('is written with static reservations, or with role fields for older frameworks', () => {
    const agent = bag({ cpus: 1 }).add(bag({ mem: 64 }, 'web'));
    expect(agent.toMesos()).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } },
      {
        name: 'mem',
        type: 'SCALAR',
        scalar: { value: 64 },
        reservations: [{ type: 'STATIC', role: 'web' }],
      },
    ]);
    expect(agent.toMesos({ preReservationRefinement: true })).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, role: 'web' },
    ]);
  });

  it('writes fixed-point scalars as plain numbers', () => {
    expect(
      bag({ cpus: 0.1 })
        .add(bag({ cpus: 0.2 }))
        .toMesos()[0]?.scalar?.value,
    ).toBe(0.3);
  });

  it.each([
    [{ name: 'cpus', type: 'SCALAR', scalar: { value: -1 } }, /#0 \("cpus"\).*negative/],
    [{ name: 'cpus', type: 'SCALAR' }, /needs scalar.value/],
    [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 9, end: 1 }] } }, /ends before/],
    [
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1.5, end: 2 }] } },
      /whole numbers/,
    ],
    [{ name: 'label', type: 'TEXT' }, /not SCALAR, RANGES or SET/],
    [{ name: '', type: 'SCALAR', scalar: { value: 1 } }, /needs a name/],
  ])('refuses %j, naming the resource', (resource, message) => {
    expect(() => ResourceBag.fromMesos([resource])).toThrow(
      expect.objectContaining({
        code: 'MESOLITE_ERR_INVALID_RESOURCES',
        message: expect.stringMatching(message),
      }),
    );
  });

  it('serializes to JSON as Resource objects', () => {
    expect(JSON.parse(JSON.stringify({ resources: bag({ cpus: 1 }) }))).toEqual({
      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
    });
  });
});

describe('text form', () => {
  it('is the Mesos notation', () => {
    const agent = bag({
      cpus: 4,
      ports: [
        [31000, 32000],
        [33000, 33100],
      ],
      zones: ['b', 'a'],
    }).add(bag({ mem: 512 }, 'web'));
    expect(agent.toString()).toBe(
      'cpus:4; ports:[31000-32000, 33000-33100]; zones:{a, b}; mem(web):512',
    );
  });
});
