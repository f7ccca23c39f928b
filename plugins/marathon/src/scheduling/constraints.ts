/**
 * Marathon's placement constraints (mesosphere.mesos.Constraints), evaluated against one
 * offer and the app's instances already placed. Values are compared as Marathon compares
 * them: as strings, with scalar, range and set attributes written the way Mesos writes
 * them (`2.5`, `[100-200,300-400]`, `{a,b}`).
 *
 * Evaluation never throws. Validation of a constraint's syntax, with Marathon's
 * messages, happens when an app is submitted; whatever still reaches this module
 * malformed (an unknown operator, a bad regular expression, MAX_PER without a number)
 * is simply not met.
 */
import type { Attribute } from '@mesolite/daemon/protocol/mesos';
import type { Constraint, PlacedInstance, PlacementOffer } from './placement-request.js';

export const HOSTNAME_FIELD = '@hostname';
export const REGION_FIELD = '@region';
export const ZONE_FIELD = '@zone';

/** How a field is read from an offer and from an instance already placed. */
export interface FieldReader {
  readonly offer: (offer: PlacementOffer) => string | undefined;
  readonly placed: (instance: PlacedInstance) => string | undefined;
}

const hostnameReader: FieldReader = {
  offer: (offer) => offer.hostname,
  placed: (instance) => instance.hostname,
};
const regionReader: FieldReader = {
  offer: (offer) => offer.domain?.fault_domain?.region?.name,
  placed: (instance) => instance.region,
};
const zoneReader: FieldReader = {
  offer: (offer) => offer.domain?.fault_domain?.zone?.name,
  placed: (instance) => instance.zone,
};

/** `hostname` (Marathon's older spelling) and `@hostname`, `@region`, `@zone`, or an attribute. */
export function readerForField(field: string): FieldReader {
  switch (field) {
    case 'hostname':
    case HOSTNAME_FIELD:
      return hostnameReader;
    case REGION_FIELD:
      return regionReader;
    case ZONE_FIELD:
      return zoneReader;
    default:
      return {
        offer: (offer) => attributeValue(offer.attributes, field),
        placed: (instance) => attributeValue(instance.attributes, field),
      };
  }
}

function attributeValue(
  attributes: readonly Attribute[] | undefined,
  name: string,
): string | undefined {
  const attribute = attributes?.find((candidate) => candidate.name === name);
  return attribute === undefined ? undefined : attributeValueString(attribute);
}

/**
 * An attribute's value as Marathon compares it: text as is, scalars to three decimals
 * without trailing zeros, ranges as `[b-e,...]` sorted by begin, sets as `{a,...}` sorted.
 */
export function attributeValueString(attribute: Attribute): string {
  switch (attribute.type) {
    case 'SCALAR':
      return formatDecimal(attribute.scalar?.value ?? 0);
    case 'TEXT':
      return attribute.text?.value ?? '';
    case 'RANGES': {
      const ranges = [...(attribute.ranges?.range ?? [])].sort((a, b) => a.begin - b.begin);
      return `[${ranges.map((range) => `${range.begin}-${range.end}`).join(',')}]`;
    }
    case 'SET':
      // Java's String ordering and JavaScript's default sort both compare UTF-16 code units.
      return `{${[...(attribute.set?.item ?? [])].sort().join(',')}}`;
    default:
      return '';
  }
}

/**
 * Java's `new DecimalFormat("0.###")`, which Marathon uses for scalars: at most three
 * decimals, rounded half-even on the double's exact binary value, trailing zeros dropped.
 * So 0.8001 is "0.8", 1.0005 is "1" (its double lies just below the half) and 0.0625,
 * an exact half, is "0.062".
 */
export function formatDecimal(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  // toFixed rounds on the exact binary value too, but sends exact halves up. An exact
  // half at the third decimal is an odd multiple of 1/16 (the only dyadic fractions with
  // a 5 in the fourth decimal), which is detected exactly and sent to the even neighbour.
  let fixed: string;
  const sixteenths = magnitude * 16;
  if (Number.isInteger(sixteenths) && sixteenths % 2 === 1 && magnitude < 2 ** 40) {
    const lower = Math.floor(magnitude * 1000);
    const even = lower % 2 === 0 ? lower : lower + 1;
    fixed = (even / 1000).toFixed(3);
  } else if (magnitude < 1e21) {
    fixed = magnitude.toFixed(3);
  } else {
    fixed = String(magnitude);
  }
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  // DecimalFormat keeps the sign of a negative value that rounds to zero ("-0").
  return value < 0 || Object.is(value, -0) ? `-${trimmed}` : trimmed;
}

/** Marathon's MesosScalarValue: a constraint value that IS compares as a scalar. */
const SCALAR_VALUE = /^[0-9]+(?:\.[0-9]+)?$/;

/** Scala's `toInt`: an optional sign and decimal digits, within 32 bits. */
function parseInt32(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= -(2 ** 31) && value < 2 ** 31 ? value : undefined;
}

const MAX_INT = 2 ** 31 - 1;

/** GROUP_BY's number of groups: "inf" is unbounded, anything unreadable is "no number". */
function groupCount(value: string): number {
  if (value === 'inf') return MAX_INT;
  return Math.max(0, parseInt32(value) ?? 0);
}

// Compiled patterns are kept because the same few constraints are checked against every
// offer; the cap keeps a stream of distinct bad inputs from growing it without bound.
const PATTERN_CACHE_LIMIT = 256;
const patternCache = new Map<string, RegExp | null>();

/** Java's `String.matches`: the whole value must match. A pattern that does not compile is null. */
function fullMatchPattern(pattern: string): RegExp | null {
  const cached = patternCache.get(pattern);
  if (cached !== undefined) return cached;
  let compiled: RegExp | null;
  try {
    compiled = new RegExp(`^(?:${pattern})$`);
  } catch {
    compiled = null;
  }
  if (patternCache.size >= PATTERN_CACHE_LIMIT) patternCache.clear();
  patternCache.set(pattern, compiled);
  return compiled;
}

/** What a constraint needs to know besides the offer and the placed instances. */
export interface ConstraintContext {
  /** The app's target instance count, which GROUP_BY with a number of groups spreads. */
  readonly instances: number;
}

/** Whether the offer meets one constraint, given the app's instances already placed. */
export function meetsConstraint(
  constraint: Constraint,
  offer: PlacementOffer,
  placed: readonly PlacedInstance[],
  context: ConstraintContext,
): boolean {
  const [field, rawOperator, rawValue] = constraint;
  if (typeof field !== 'string' || typeof rawOperator !== 'string') return false;
  const value = typeof rawValue === 'string' ? rawValue : '';
  const operator = rawOperator.toUpperCase();
  const reader = readerForField(field);
  const offerValue = reader.offer(offer);
  if (offerValue === undefined) {
    // An agent without the field meets only UNLIKE, as Marathon documents.
    return operator === 'UNLIKE';
  }
  switch (operator) {
    case 'UNIQUE':
      return placed.every((instance) => reader.placed(instance) !== offerValue);
    case 'CLUSTER':
      return checkCluster(offerValue, value, placed, reader);
    case 'GROUP_BY':
      return checkGroupBy(offerValue, value, placed, reader, context);
    case 'MAX_PER':
      return checkMaxPer(offerValue, value, placed, reader);
    case 'LIKE':
      return value !== '' && fullMatchPattern(value)?.test(offerValue) === true;
    case 'UNLIKE':
      return value !== '' && fullMatchPattern(value)?.test(offerValue) === false;
    case 'IS':
      return offerValue === (SCALAR_VALUE.test(value) ? formatDecimal(Number(value)) : value);
    default:
      return false;
  }
}

/** The constraints the offer does not meet, in the app's order. */
export function unmetConstraints(
  constraints: readonly Constraint[],
  offer: PlacementOffer,
  placed: readonly PlacedInstance[],
  context: ConstraintContext,
): Constraint[] {
  return constraints.filter((constraint) => !meetsConstraint(constraint, offer, placed, context));
}

function checkCluster(
  offerValue: string,
  value: string,
  placed: readonly PlacedInstance[],
  reader: FieldReader,
): boolean {
  if (value !== '') return offerValue === value;
  // Without a value, the first instance placed picks the value every later one must share.
  const first = placed[0];
  return first === undefined || reader.placed(first) === offerValue;
}

function countPerGroup(
  placed: readonly PlacedInstance[],
  reader: FieldReader,
): Map<string | undefined, number> {
  // Instances lacking the field form a group of their own, as Scala's groupBy on an
  // Option makes None a key.
  const counts = new Map<string | undefined, number>();
  for (const instance of placed) {
    const key = reader.placed(instance);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function checkGroupBy(
  offerValue: string,
  value: string,
  placed: readonly PlacedInstance[],
  reader: FieldReader,
  context: ConstraintContext,
): boolean {
  const counts = countPerGroup(placed, reader);
  const desiredGroups = groupCount(value);
  if (desiredGroups === 0) {
    // Without a number of groups, Marathon's current code divides by zero; its
    // documentation (and its code before 1.10) spreads over the values seen so far:
    // a new value, or one of the groups with the fewest instances.
    const inOfferGroup = counts.get(offerValue);
    if (inOfferGroup === undefined) return true;
    return inOfferGroup === Math.min(...counts.values());
  }
  // Marathon 1.10+: each of the N groups may fill up to instances / N, and the
  // remainder may go one each to as many groups as it has instances. Filling one group
  // ahead of the others is allowed, so that a rolling deployment near capacity is not
  // blocked waiting for the other groups.
  const desiredInstances = Math.max(0, Math.trunc(context.instances));
  const perGroup = Math.trunc(desiredInstances / desiredGroups);
  const remainder = desiredInstances % desiredGroups;
  let remainderConsumed = 0;
  for (const count of counts.values()) remainderConsumed += Math.max(0, count - perGroup);
  const inOfferGroup = counts.get(offerValue);
  if (inOfferGroup === undefined) return counts.size < desiredGroups;
  return (
    inOfferGroup < perGroup || (inOfferGroup === perGroup && remainder - remainderConsumed > 0)
  );
}

function checkMaxPer(
  offerValue: string,
  value: string,
  placed: readonly PlacedInstance[],
  reader: FieldReader,
): boolean {
  const max = parseInt32(value);
  if (max === undefined) return false;
  const count = countPerGroup(placed, reader).get(offerValue);
  return count === undefined || count < max;
}
