/**
 * A Universe repository served over HTTP for the catalog's tests: the index JSON with
 * the media type the test picks (v4 unless told otherwise), built from package
 * directories written the way a repository author writes them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestPackage {
  manifest: Record<string, unknown>;
  releaseVersion: number;
  template?: string;
  config?: Record<string, unknown>;
  resource?: Record<string, unknown>;
}

export interface UniverseServer {
  url: string;
  /** How many times the index was asked for. */
  requests(): number;
  close(): Promise<void>;
}

export function indexOf(packages: TestPackage[]): { packages: unknown[] } {
  return {
    packages: packages.map((pkg) => ({
      ...pkg.manifest,
      releaseVersion: pkg.releaseVersion,
      ...(pkg.template
        ? { marathon: { v2AppMustacheTemplate: Buffer.from(pkg.template).toString('base64') } }
        : {}),
      ...(pkg.config ? { config: pkg.config } : {}),
      ...(pkg.resource ? { resource: pkg.resource } : {}),
    })),
  };
}

export async function serveUniverse(
  packages: TestPackage[],
  contentType = 'application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4',
): Promise<UniverseServer> {
  let count = 0;
  const body = JSON.stringify(indexOf(packages));
  const server: Server = createServer((_request, response) => {
    count += 1;
    response.writeHead(200, { 'content-type': contentType }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/repo`,
    requests: () => count,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
