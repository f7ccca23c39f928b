/**
 * Mesos's files endpoints (src/files/files.cpp), as a fastify plugin:
 *
 *   GET /files/browse?path=         the entries of a directory, Mesos's FileInfo JSON
 *   GET /files/read?path=&offset=&length=
 *                                   {data, offset}; offset=-1 (or none) answers the size
 *   GET /files/download?path=       the raw bytes, as an attachment
 *   GET /files/debug                the map of virtual paths to real paths
 *
 * The endpoints answer from a FilesSource: the agent's own registry (every path goes
 * through {@link FilesRegistry.resolve}), or, under the master's /agent/<id>/, an agent
 * asked over its channel. Errors are plain text with Mesos's messages and statuses;
 * `jsonp=` wraps JSON answers as Mesos's OK does.
 */

import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MesoliteError } from '../../errors.js';
import {
  FilesChangedError,
  FilesJsonpError,
  FilesNegativeParameterError,
  FilesParameterError,
  FilesPathMissingError,
} from './files-errors.js';
import type { FilesRegistry } from './files-registry.js';
import { type FilesSource, localFilesSource } from './files-source.js';
import { contentTypeFor } from './mime-types.js';
import { OwnerNames } from './owner-names.js';
import { MAX_READ_LENGTH } from './read-file-page.js';

export interface FilesRoutesOptions {
  /** Where uid and gid names come from; one per plugin unless shared. */
  owners?: OwnerNames;
}

/** The agent's own /files/* endpoints, over its registry. */
export function filesRoutes(registry: FilesRegistry, options: FilesRoutesOptions = {}) {
  const source = localFilesSource(registry, options.owners ?? new OwnerNames());
  return filesEndpoints('', () => source);
}

/**
 * The four endpoints under `${base}/files/`, answering from the source `sourceFor`
 * picks for the request; it may throw a MesoliteError (an unknown agent, say), which
 * is answered like the files API's own errors.
 */
export function filesEndpoints(base: string, sourceFor: (request: FastifyRequest) => FilesSource) {
  return async function files(app: FastifyInstance): Promise<void> {
    // Scoped to this plugin: Mesos answers these endpoints' errors as plain text.
    app.setErrorHandler((error, _request, reply) => {
      if (!(error instanceof MesoliteError)) throw error;
      reply.code(error.statusCode).type('text/plain; charset=utf-8').send(`${error.message}\n`);
    });

    app.get(`${base}/files/browse`, async (request, reply) => {
      const path = requiredPath(request);
      const jsonp = jsonpOf(request);
      const listing = await sourceFor(request).browse(path);
      return sendJson(reply, listing, jsonp);
    });

    app.get(`${base}/files/read`, async (request, reply) => {
      const path = requiredPath(request);
      const offset = numberParameter(request, 'offset') ?? -1;
      const length = numberParameter(request, 'length');
      const jsonp = jsonpOf(request);
      // The web UI's pailer asks offset=-1 first, for the size alone: a read of nothing
      // from 0. length=-1 means "to the end", as no length does.
      const page = await sourceFor(request).read(
        path,
        offset === -1 ? 0 : offset,
        offset === -1 ? 0 : length === -1 ? undefined : length,
      );
      // Mesos's JSON object is a sorted map: "data" comes before "offset".
      return sendJson(
        reply,
        { data: page.data.toString('utf8'), offset: offset === -1 ? page.size : offset },
        jsonp,
      );
    });

    app.get(`${base}/files/download`, async (request, reply) => {
      const path = requiredPath(request);
      const source = sourceFor(request);
      // The length is fixed when the download starts; a log still being written is
      // sent as it was then, so Content-Length stays true.
      const { size, name } = await source.stat(path);
      reply
        .header('content-type', contentTypeFor(name))
        .header('content-disposition', contentDisposition(name))
        .header('content-length', size)
        // A downloaded .html must never be rendered as the daemon's own page.
        .header('x-content-type-options', 'nosniff');
      if (size === 0) return reply.send(Buffer.alloc(0));
      return reply.send(Readable.from(pages(source, path, size)));
    });

    app.get(`${base}/files/debug`, async (request, reply) => {
      const jsonp = jsonpOf(request);
      return sendJson(reply, await sourceFor(request).debug(), jsonp);
    });
  };
}

/**
 * A download as a run of page reads, so that a remote agent's file streams through
 * the master a page at a time and never sits whole in memory on either side.
 */
async function* pages(source: FilesSource, path: string, size: number): AsyncGenerator<Buffer> {
  let offset = 0;
  while (offset < size) {
    const page = await source.read(path, offset, Math.min(size - offset, MAX_READ_LENGTH));
    // Shorter than promised: ending the stream early tells the client, Content-Length cannot.
    if (page.data.length === 0) throw new FilesChangedError(path, offset, size);
    offset += page.data.length;
    yield page.data;
  }
}

/** A query parameter's value; a repeated one counts once, the last, as libprocess keeps it. */
function queryValue(request: FastifyRequest, name: string): string | undefined {
  const query = request.query as Record<string, string | string[] | undefined>;
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function requiredPath(request: FastifyRequest): string {
  const path = queryValue(request, 'path');
  if (path === undefined || path === '') throw new FilesPathMissingError();
  return path;
}

/** `offset` and `length` as Mesos's numify<off_t> reads them, with -1 the least allowed. */
function numberParameter(request: FastifyRequest, name: 'offset' | 'length'): number | undefined {
  const raw = queryValue(request, name);
  if (raw === undefined) return undefined;
  const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new FilesParameterError(name, raw);
  if (value < -1) throw new FilesNegativeParameterError(name, value);
  return value;
}

// A callback name, with dots for namespaces; anything else could inject script.
const JSONP_CALLBACK = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

function jsonpOf(request: FastifyRequest): string | undefined {
  const jsonp = queryValue(request, 'jsonp');
  if (jsonp !== undefined && !JSONP_CALLBACK.test(jsonp)) throw new FilesJsonpError(jsonp);
  return jsonp;
}

function sendJson(reply: FastifyReply, value: unknown, jsonp: string | undefined): FastifyReply {
  const body = JSON.stringify(value);
  if (jsonp === undefined) return reply.type('application/json').send(body);
  return reply.type('text/javascript').send(`${jsonp}(${body})`);
}

// RFC 7230 token characters: a name made only of them is sent bare, as Mesos sends it.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Mesos writes `attachment; filename=<name>` whatever the name holds; a space, a quote
 * or a non-ASCII letter would break the header (or Node would refuse it), so such
 * names are quoted, with the exact name in RFC 6266's filename*.
 */
export function contentDisposition(name: string): string {
  if (TOKEN.test(name)) return `attachment; filename=${name}`;
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
