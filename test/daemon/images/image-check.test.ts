/** The catalog's image check and `docker load`'s output, as pure functions. */

import { parseLoadOutput } from '@mesolite/daemon/agent/docker/docker-images';
import {
  dockerImageOf,
  missingImageWarning,
  normalizeImageReference,
} from '@mesolite/daemon/catalog/image-check';
import { describe, expect, it } from 'vitest';

const agent = (images: string[]) => ({ agentId: 'a1', hostname: 'h1', images });

describe('the image check', () => {
  it('reads the image from both of Marathon container forms', () => {
    expect(dockerImageOf({ container: { type: 'DOCKER', docker: { image: 'nginx:1.25' } } })).toBe(
      'nginx:1.25',
    );
    expect(dockerImageOf({ cmd: 'sleep 1' })).toBeUndefined();
  });

  it('compares references as the engine lists them: default registry, library/ and :latest implied', () => {
    expect(normalizeImageReference('busybox')).toBe('busybox:latest');
    expect(normalizeImageReference('docker.io/library/busybox:1.36')).toBe('busybox:1.36');
    expect(normalizeImageReference('localhost:5000/team/app')).toBe(
      'localhost:5000/team/app:latest',
    );
    expect(normalizeImageReference('busybox@sha256:abc')).toBeUndefined();
  });

  it('warns when no connected agent has the image, naming it and mesolite image import', () => {
    const warning = missingImageWarning('team/app:2', [agent(['busybox:latest'])]);
    expect(warning).toContain('team/app:2');
    expect(warning).toContain('mesolite image import');
  });

  it('counts an agent without Docker as one that lacks the image', () => {
    expect(
      missingImageWarning('busybox', [{ agentId: 'a1', hostname: 'h1', error: 'no Docker' }]),
    ).toBeDefined();
  });

  it('says nothing when one agent has the image, or when no agent is connected', () => {
    expect(
      missingImageWarning('busybox', [agent([]), agent(['docker.io/library/busybox:latest'])]),
    ).toBeUndefined();
    expect(missingImageWarning('busybox', [])).toBeUndefined();
  });
});

describe("docker load's output", () => {
  it('names the loaded tags and image ids', () => {
    const output = [
      '{"stream":"Loaded image: team/app:2\\n"}',
      '{"stream":"Loaded image ID: sha256:0123\\n"}',
    ].join('\n');
    expect(parseLoadOutput(output)).toEqual({ loaded: ['team/app:2', 'sha256:0123'] });
  });

  it('reports the error the engine ended with', () => {
    const output = '{"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"}';
    expect(parseLoadOutput(output).error).toBe('unexpected EOF');
  });
});
