/**
 * The socket.io events between a tracker and its pages. Both ends compile against these
 * lists, so the server and the browser module cannot drift apart. This file holds types
 * and constants only: the browser build includes it too, and must not pull in node.
 */

/** A point as [lat, lng], rounded to 6 decimals (about 10 cm) to keep frames small. */
export type LatLngTuple = [number, number];

export interface Counters {
  readonly zombies: number;
  readonly survivors: number;
  /** Infected people in the whole town at t (the outbreak curve, not just the markers). */
  readonly infected: number;
  readonly sightings: number;
  /** Pages connected to this instance. */
  readonly clients: number;
}

/** One broadcast of the world. Agent i of a kind is the i-th entry of its list. */
export interface WorldFrame {
  /** The simulated instant, ms since the Unix epoch, on a 100 ms grid shared by all instances. */
  readonly t: number;
  readonly instance: string;
  readonly zombies: readonly LatLngTuple[];
  readonly survivors: readonly LatLngTuple[];
  readonly counters: Counters;
}

export interface Sighting {
  readonly id: string;
  readonly lat: number;
  readonly lng: number;
  /** When the server took the report, ms since the Unix epoch. */
  readonly at: number;
}

export interface SightingReport {
  readonly lat: number;
  readonly lng: number;
}

export interface ServerToClientEvents {
  world: (frame: WorldFrame) => void;
  /** Sent once on connect: the sightings this instance remembers. */
  sightings: (all: readonly Sighting[]) => void;
  sighting: (sighting: Sighting) => void;
}

export interface ClientToServerEvents {
  sighting: (report: SightingReport) => void;
}

export interface InstanceInfo {
  readonly instance: string;
  readonly seed: number;
  readonly chaos: boolean;
  readonly healthy: boolean;
}

/** Mesoville's bounds in degrees; public/world.geojson is drawn inside them. */
export const TOWN_BOUNDS = { south: 52.0, west: 4.0, north: 52.012, east: 4.02 } as const;

/** Broadcasts per second. */
export const FRAME_HZ = 10;
export const FRAME_MS = 1000 / FRAME_HZ;
