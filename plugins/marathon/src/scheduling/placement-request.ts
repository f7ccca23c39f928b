/**
 * What placement reads: the part of an app definition that decides where an instance
 * may run, the offer, and the app's instances already placed. These are deliberately
 * small structural types, so that the app definition schema can be mapped onto them in
 * one place and placement can be tested without a whole app.
 */
import type { Attribute, Resource } from '@mesolite/daemon/protocol/mesos';

/**
 * A Marathon constraint as an app definition writes it: `["hostname", "UNIQUE"]` or
 * `["rack_id", "CLUSTER", "rack-1"]`. Marathon stores an absent value as "", and so
 * does evaluation: an empty value and no value mean the same.
 */
export type Constraint = readonly [field: string, operator: string, value?: string | undefined];

/** One host port an instance needs. */
export interface PortRequest {
  /** 0: any port the offer has; otherwise exactly this port. */
  readonly hostPort: number;
  readonly name?: string | undefined;
}

/**
 * Where the requested ports come from, which decides what a non-zero number means (as
 * Marathon's PortsMatcher decides):
 * - 'portDefinitions' (`ports` / `portDefinitions`): without `requirePorts` the numbers
 *   are service ports and any offered ports will do; with `requirePorts` each number
 *   must be offered.
 * - 'portMappings' (`container.portMappings` / `container.docker.portMappings`): a
 *   non-zero hostPort must be offered, 0 takes any; `requirePorts` does not apply. A
 *   mapping without a hostPort needs no host port and is left out of `ports`.
 */
export type PortSource = 'portDefinitions' | 'portMappings';

/**
 * How offered GPUs are treated when the app asks for none (Marathon's
 * --gpu_scheduling_behavior, or the app's GPU_SCHEDULING_BEHAVIOR label): 'restricted'
 * declines such offers so GPU agents stay free for apps that need them.
 */
export type GpuSchedulingBehavior = 'restricted' | 'unrestricted';

/** The resources and placement rules of one instance of an app. */
export interface PlacementRequest {
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number;
  readonly gpus: number;
  readonly ports: readonly PortRequest[];
  readonly portSource: PortSource;
  readonly requirePorts: boolean;
  readonly constraints: readonly Constraint[];
  /**
   * The resource roles an instance may use. Empty or absent: Marathon's default, the
   * unreserved role "*" and the app's own `role`.
   */
  readonly acceptedResourceRoles?: readonly string[] | undefined;
  /** The app's role (Marathon's `role`); "*" when absent. */
  readonly role?: string | undefined;
  /** The app's target instance count: GROUP_BY with a number of groups spreads it evenly. */
  readonly instances: number;
  /** Overrides the matcher's default, as the app's GPU_SCHEDULING_BEHAVIOR label does. */
  readonly gpuSchedulingBehavior?: GpuSchedulingBehavior | undefined;
}

/**
 * An instance of the app that constraints count. Marathon counts the instances that are
 * placed (not merely scheduled, not lost) and of the current configuration: instances of
 * an older configuration are left out, so that a new instance can be placed beside the
 * old one it is about to replace.
 */
export interface PlacedInstance {
  readonly agentId?: string | undefined;
  readonly hostname?: string | undefined;
  readonly attributes?: readonly Attribute[] | undefined;
  readonly region?: string | undefined;
  readonly zone?: string | undefined;
}

/** Mesos's DomainInfo in its JSON form: where an agent sits, for @region and @zone. */
export interface DomainInfoLike {
  readonly fault_domain?:
    | {
        readonly region?: { readonly name?: string | undefined } | undefined;
        readonly zone?: { readonly name?: string | undefined } | undefined;
      }
    | undefined;
}

/** Mesos's Unavailability: a maintenance window announced for the offer's agent. */
export interface UnavailabilityLike {
  readonly start?: { readonly nanoseconds: number } | undefined;
  readonly duration?: { readonly nanoseconds: number } | undefined;
}

/**
 * The fields of a Mesos v1 Offer that placement reads. Any `Offer` from the protocol
 * module fits; `domain` and `unavailability` are read when a real Mesos master sends them.
 */
export interface PlacementOffer {
  readonly id?: { readonly value: string } | undefined;
  readonly agent_id: { readonly value: string };
  readonly hostname: string;
  readonly resources: readonly Resource[];
  readonly attributes?: readonly Attribute[] | undefined;
  readonly domain?: DomainInfoLike | undefined;
  readonly unavailability?: UnavailabilityLike | undefined;
}

/** The instance as constraints see it once it is placed on the offer's agent. */
export function placedOn(offer: PlacementOffer): PlacedInstance {
  return {
    agentId: offer.agent_id.value,
    hostname: offer.hostname,
    attributes: offer.attributes ?? [],
    region: offer.domain?.fault_domain?.region?.name,
    zone: offer.domain?.fault_domain?.zone?.name,
  };
}
