/**
 * DCOS_PACKAGE_DEFINITION, as Cosmos writes it: base64 of a StorageEnvelope
 * `{"metadata":{"Content-Type":<universe package media type>,"Content-Encoding":"gzip"},
 * "data":<base64 of the gzipped package JSON>}`. DC/OS tools decode it to show what
 * was installed, so the shape must be Cosmos's.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { universePackageType } from './media-types.js';
import {
  CASE_CLASS_FIELDS,
  PACKAGE_FIELD_ORDER,
  type PackageDefinition,
} from './universe-schema.js';

/** The package JSON in the field order of Cosmos's encoders, `tags` always present. */
export function packageJson(pkg: PackageDefinition): Record<string, unknown> {
  const source = { ...pkg, tags: pkg.tags ?? [] } as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const field of PACKAGE_FIELD_ORDER) {
    if (source[field] !== undefined) ordered[field] = source[field];
  }
  return ordered;
}

/**
 * The package as Cosmos's case-class encoder prints it into a StorageEnvelope: every
 * field of its packaging version, in order, an absent one as null (circe's noSpaces
 * keeps nulls), `tags` defaulting to [].
 */
export function caseClassJson(pkg: PackageDefinition): Record<string, unknown> {
  const source = { ...pkg, tags: pkg.tags ?? [] } as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const field of CASE_CLASS_FIELDS[pkg.packagingVersion])
    ordered[field] = source[field] ?? null;
  return ordered;
}

export function encodeForLabel(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

export function encodePackageDefinition(pkg: PackageDefinition): string {
  const data = gzipSync(Buffer.from(JSON.stringify(caseClassJson(pkg)), 'utf8')).toString('base64');
  return encodeForLabel({
    metadata: {
      'Content-Type': universePackageType(pkg.packagingVersion),
      'Content-Encoding': 'gzip',
    },
    data,
  });
}

/** Reads a DCOS_PACKAGE_DEFINITION label back, nulls dropped; undefined when it is not one. */
export function decodePackageDefinition(label: string): Record<string, unknown> | undefined {
  try {
    const envelope = JSON.parse(Buffer.from(label, 'base64').toString('utf8')) as {
      metadata?: Record<string, string>;
      data?: string;
    };
    if (typeof envelope.data !== 'string') return undefined;
    const raw = Buffer.from(envelope.data, 'base64');
    const text =
      envelope.metadata?.['Content-Encoding'] === 'gzip'
        ? gunzipSync(raw).toString('utf8')
        : raw.toString('utf8');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== null));
  } catch {
    return undefined;
  }
}
