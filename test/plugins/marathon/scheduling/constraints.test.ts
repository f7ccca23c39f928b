import type { Attribute } from '@mesolite/daemon/protocol/mesos';
import {
  attributeValueString,
  formatDecimal,
  meetsConstraint,
  unmetConstraints,
} from '@mesolite/plugin-marathon/scheduling/constraints';
import type {
  Constraint,
  PlacedInstance,
  PlacementOffer,
} from '@mesolite/plugin-marathon/scheduling/placement-request';
import { describe, expect, it } from 'vitest';
import { offer, onHost, scalarAttribute, text, withAttributes } from './fixtures.js';

function meets(
  constraint: Constraint,
  target: PlacementOffer,
  placed: PlacedInstance[] = [],
  instances = 1,
): boolean {
  return meetsConstraint(constraint, target, placed, { instances });
}

const onRack = (rack: string): PlacementOffer => offer({ attributes: [text('rack', rack)] });
const placedOnRack = (rack: string): PlacedInstance => withAttributes(text('rack', rack));

describe('UNIQUE', () => {
  it('accepts a host that runs no instance of the app', () => {
    const placed = [onHost('host1'), onHost('host2')];
    expect(meets(['hostname', 'UNIQUE'], offer({ hostname: 'host3' }), placed)).toBe(true);
  });

  it('refuses a host that already runs an instance', () => {
    const placed = [onHost('host1'), onHost('host2')];
    expect(meets(['hostname', 'UNIQUE'], offer({ hostname: 'host2' }), placed)).toBe(false);
  });

  it('refuses an agent without the attribute, even before any placement', () => {
    expect(meets(['rack', 'UNIQUE'], offer())).toBe(false);
  });
});

describe('CLUSTER', () => {
  it('with a value, accepts only agents whose field has exactly that value', () => {
    expect(meets(['rack', 'CLUSTER', 'rack-1'], onRack('rack-1'))).toBe(true);
    expect(meets(['rack', 'CLUSTER', 'rack-1'], onRack('rack-10'))).toBe(false);
  });

  it('without a value, lets the first instance go anywhere', () => {
    expect(meets(['hostname', 'CLUSTER'], offer({ hostname: 'anywhere' }))).toBe(true);
  });

  it('without a value, keeps later instances with the first one placed', () => {
    const placed = [placedOnRack('rack-1'), placedOnRack('rack-2')];
    expect(meets(['rack', 'CLUSTER'], onRack('rack-1'), placed)).toBe(true);
    expect(meets(['rack', 'CLUSTER'], onRack('rack-2'), placed)).toBe(false);
  });

  it('treats an empty value as no value', () => {
    expect(meets(['hostname', 'CLUSTER', ''], offer({ hostname: 'b' }), [onHost('a')])).toBe(false);
  });

  it('without a value, refuses an agent that lacks the attribute', () => {
    expect(meets(['rack', 'CLUSTER'], offer())).toBe(false);
  });
});

describe('GROUP_BY with a number of groups', () => {
  // Marathon's own cases (ConstraintsTest, "RackGroupedByConstraints"): 5 instances.
  const groupBy = (groups: string): Constraint => ['rack', 'GROUP_BY', groups];

  it('allows the first placement', () => {
    expect(meets(groupBy('2'), onRack('rack-1'), [], 5)).toBe(true);
  });

  it('lets a group fill up to its share before the other groups have any', () => {
    const placed = [placedOnRack('rack-1'), placedOnRack('rack-1')];
    expect(meets(groupBy('2'), onRack('rack-1'), placed, 5)).toBe(true);
  });

  it('gives a group at most one instance of the remainder', () => {
    const placed = [placedOnRack('rack-1'), placedOnRack('rack-1'), placedOnRack('rack-1')];
    expect(meets(groupBy('2'), onRack('rack-1'), placed, 5)).toBe(false);
  });

  it('gives the remainder to no more groups than it has instances', () => {
    const placed = [placedOnRack('rack-1'), placedOnRack('rack-1'), placedOnRack('rack-2')];
    expect(meets(groupBy('4'), onRack('rack-2'), placed, 5)).toBe(false);
  });

  it('refuses a further group once the number of groups is reached', () => {
    const placed = [placedOnRack('rack-1'), placedOnRack('rack-2')];
    expect(meets(groupBy('2'), onRack('rack-3'), placed, 5)).toBe(false);
  });

  it('spreads evenly: a full group refuses while another group has room', () => {
    const placed = [placedOnRack('rack-1'), placedOnRack('rack-1'), placedOnRack('rack-2')];
    expect(meets(groupBy('3'), onRack('rack-1'), placed, 6)).toBe(false);
    expect(meets(groupBy('3'), onRack('rack-2'), placed, 6)).toBe(true);
    expect(meets(groupBy('3'), onRack('rack-3'), placed, 6)).toBe(true);
  });

  it('refuses an agent that lacks the attribute', () => {
    expect(meets(groupBy('2'), offer(), [], 5)).toBe(false);
  });
});

describe('GROUP_BY without a number', () => {
  it('accepts a value not seen yet', () => {
    const placed = [placedOnRack('rack-1'), placedOnRack('rack-1')];
    expect(meets(['rack', 'GROUP_BY'], onRack('rack-2'), placed, 9)).toBe(true);
  });

  it('accepts one of the smallest groups and refuses a larger one', () => {
    const placed = [placedOnRack('rack-1'), placedOnRack('rack-1'), placedOnRack('rack-2')];
    expect(meets(['rack', 'GROUP_BY'], onRack('rack-2'), placed, 9)).toBe(true);
    expect(meets(['rack', 'GROUP_BY'], onRack('rack-1'), placed, 9)).toBe(false);
  });
});

describe('LIKE and UNLIKE', () => {
  it('LIKE needs the whole value to match the regular expression', () => {
    expect(meets(['rack', 'LIKE', 'rack-[1-3]'], onRack('rack-2'))).toBe(true);
    expect(meets(['rack', 'LIKE', 'rack-[1-3]'], onRack('rack-22'))).toBe(false);
    expect(meets(['rack', 'LIKE', 'rack-[1-3]'], onRack('my-rack-2'))).toBe(false);
  });

  it('LIKE refuses an agent without the attribute', () => {
    expect(meets(['rack', 'LIKE', '.*'], offer())).toBe(false);
  });

  it('UNLIKE refuses a matching value and accepts any other', () => {
    expect(meets(['rack', 'UNLIKE', 'rack-[7-9]'], onRack('rack-8'))).toBe(false);
    expect(meets(['rack', 'UNLIKE', 'rack-[7-9]'], onRack('rack-1'))).toBe(true);
  });

  it('UNLIKE accepts an agent without the attribute', () => {
    expect(meets(['rack', 'UNLIKE', 'rack-[7-9]'], offer())).toBe(true);
  });

  it('a regular expression that does not compile is not met, and does not throw', () => {
    expect(meets(['rack', 'LIKE', 'rack-[1-'], onRack('rack-1'))).toBe(false);
    expect(meets(['rack', 'UNLIKE', 'rack-[1-'], onRack('rack-1'))).toBe(false);
  });

  it('compares ranges and sets in their Mesos text form', () => {
    const target = offer({
      attributes: [
        { name: 'jdk', type: 'RANGES', ranges: { range: [{ begin: 6, end: 7 }] } },
        { name: 'gpu', type: 'SET', set: { item: ['1', '0'] } },
      ],
    });
    expect(meets(['jdk', 'LIKE', String.raw`\[6-7\]`], target)).toBe(true);
    expect(meets(['gpu', 'CLUSTER', '{0,1}'], target)).toBe(true);
  });
});

describe('MAX_PER', () => {
  it('accepts a group below the maximum', () => {
    expect(meets(['hostname', 'MAX_PER', '2'], offer({ hostname: 'h1' }), [onHost('h1')])).toBe(
      true,
    );
  });

  it('refuses a group at the maximum', () => {
    const placed = [onHost('h1'), onHost('h1'), onHost('h2')];
    expect(meets(['hostname', 'MAX_PER', '2'], offer({ hostname: 'h1' }), placed)).toBe(false);
  });

  it('is not met when the value is not an integer', () => {
    expect(meets(['hostname', 'MAX_PER', 'two'], offer({ hostname: 'h1' }))).toBe(false);
  });
});

describe('IS', () => {
  it('matches a text attribute exactly', () => {
    expect(meets(['rack', 'IS', 'rack-1'], onRack('rack-1'))).toBe(true);
    expect(meets(['rack', 'IS', 'rack-1'], onRack('rack-11'))).toBe(false);
  });

  it('compares scalars to the thousandth', () => {
    const level = offer({ attributes: [scalarAttribute('level', 0.8)] });
    expect(meets(['level', 'IS', '0.8'], level)).toBe(true);
    expect(meets(['level', 'IS', '0.80'], level)).toBe(true);
    expect(meets(['level', 'IS', '0.8001'], level)).toBe(true);
    expect(meets(['level', 'IS', '0.81'], level)).toBe(false);
  });
});

describe('fields', () => {
  it('reads the hostname as "hostname" and as "@hostname"', () => {
    const target = offer({ hostname: 'a.example' });
    expect(meets(['hostname', 'IS', 'a.example'], target)).toBe(true);
    expect(meets(['@hostname', 'IS', 'a.example'], target)).toBe(true);
  });

  it("reads @region and @zone from the offer's fault domain", () => {
    const target: PlacementOffer = {
      ...offer(),
      domain: { fault_domain: { region: { name: 'eu' }, zone: { name: 'eu-1a' } } },
    };
    expect(meets(['@region', 'IS', 'eu'], target)).toBe(true);
    expect(meets(['@zone', 'UNIQUE'], target, [{ zone: 'eu-1a' }])).toBe(false);
  });

  it('treats any other field as an attribute name', () => {
    expect(meets(['@hostname', 'IS', 'rack-1'], onRack('rack-1'))).toBe(false);
    expect(meets(['rack', 'IS', 'rack-1'], onRack('rack-1'))).toBe(true);
  });
});

describe('malformed constraints', () => {
  it('an unknown operator is not met', () => {
    expect(meets(['hostname', 'NEAR', 'x'], offer())).toBe(false);
  });

  it('unmetConstraints lists the constraints that fail, in order', () => {
    const constraints: Constraint[] = [
      ['hostname', 'UNIQUE'],
      ['rack', 'IS', 'rack-2'],
      ['rack', 'LIKE', 'rack-.*'],
    ];
    expect(unmetConstraints(constraints, onRack('rack-1'), [], { instances: 1 })).toEqual([
      ['rack', 'IS', 'rack-2'],
    ]);
  });
});

describe('attribute values as Marathon writes them', () => {
  it('writes scalars with at most three decimals, rounding half-even', () => {
    expect(formatDecimal(2)).toBe('2');
    expect(formatDecimal(0.8001)).toBe('0.8');
    // Marathon's own examples: the double of 1.0005 lies below the half, 1.1005's above.
    expect(formatDecimal(1.0005)).toBe('1');
    expect(formatDecimal(1.1005)).toBe('1.101');
    // Exact halves go to the even neighbour.
    expect(formatDecimal(0.0625)).toBe('0.062');
    expect(formatDecimal(0.1875)).toBe('0.188');
  });

  it('writes ranges sorted by their start and sets sorted', () => {
    const ranges: Attribute = {
      name: 'r',
      type: 'RANGES',
      ranges: {
        range: [
          { begin: 300, end: 400 },
          { begin: 100, end: 200 },
        ],
      },
    };
    const set: Attribute = { name: 's', type: 'SET', set: { item: ['b', 'a', 'c'] } };
    expect(attributeValueString(ranges)).toBe('[100-200,300-400]');
    expect(attributeValueString(set)).toBe('{a,b,c}');
  });
});
