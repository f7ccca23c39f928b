/**
 * Offline Docker images: `POST /mesolite/v1/images` takes a `docker save` tarball,
 * streams it to WORK_DIR/images/ and has every connected agent download it from
 * `GET /mesolite/v1/images/<id>.tar` and `docker load` it; `GET /mesolite/v1/images`
 * lists what each agent's engine holds. The tarball never travels over the agent
 * channel (socket.io's maxHttpBufferSize), and never sits whole in memory.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AUTH_COOKIE, cookieValue } from '../../auth/request-credentials.js';
import { defineError } from '../../errors.js';
import { ImageListReply, ImportImageReply } from '../../protocol/agent-channel.js';
import { validator } from '../../protocol/validate.js';
import type { ConnectedAgent, Master } from '../master.js';

export const IMAGES_PATH = '/mesolite/v1/images';
export const TAR_TYPES = ['application/x-tar', 'application/octet-stream'];

/** A workshop image (a JVM service, a database) is a few hundred MB; this leaves room. */
export const DEFAULT_MAX_IMAGE_BYTES = 8 * 1024 ** 3;
const LIST_TIMEOUT_MS = 10_000;
const IMPORT_TIMEOUT_MS = 15 * 60_000;

export const ImageUploadTypeError = defineError(
  'MESOLITE_ERR_IMAGE_CONTENT_TYPE',
  415,
  (given: string) =>
    `Send the tarball of \`docker save\` as application/x-tar, not ${given || 'no content type'}`,
);

export const ImageTooLargeError = defineError(
  'MESOLITE_ERR_IMAGE_TOO_LARGE',
  413,
  (limit: number) =>
    `The tarball is larger than this master accepts (${limit} bytes); save fewer images per file`,
);

export const EmptyImageError = defineError(
  'MESOLITE_ERR_IMAGE_EMPTY',
  400,
  () => 'The request has no tarball in its body; send the file `docker save` wrote',
);

export interface ImagesRoutesOptions {
  master: Master;
  workDir: string;
  maxBytes?: number;
}

export type AgentImages =
  | { agentId: string; hostname: string; images: string[] }
  | { agentId: string; hostname: string; error: string };

export type AgentImport =
  | { agentId: string; hostname: string; loaded: string[] }
  | { agentId: string; hostname: string; error: string };

const listReply = validator(ImageListReply, 'image list reply');
const importReply = validator(ImportImageReply, 'image import reply');

/** Counts bytes through, and fails the stream once there are more than allowed. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) done(new ImageTooLargeError(this.limit));
    else done(null, chunk);
  }
}

/** The caller's credentials, passed on so the agent may download what the caller uploaded. */
function callerAuthorization(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) return header;
  const cookie = cookieValue(request.headers.cookie, AUTH_COOKIE);
  return cookie ? `token=${cookie}` : undefined;
}

export async function listAgentImages(agents: readonly ConnectedAgent[]): Promise<AgentImages[]> {
  return Promise.all(
    agents.map(async ({ id, hostname, link }): Promise<AgentImages> => {
      const answer = await link.listImages(LIST_TIMEOUT_MS);
      if (!listReply.check(answer)) return { agentId: id, hostname, error: 'malformed answer' };
      return answer.ok
        ? { agentId: id, hostname, images: answer.images }
        : { agentId: id, hostname, error: answer.message };
    }),
  );
}

export function imagesRoutes(options: ImagesRoutesOptions) {
  const dir = join(options.workDir, 'images');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  return async function routes(app: FastifyInstance): Promise<void> {
    // Tarballs of an import cut short by a crash are of no use to anyone.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });

    // The body stays a stream; the handler writes it to disk as it arrives.
    app.addContentTypeParser(TAR_TYPES, (_request, payload, done) => done(null, payload));

    app.get(IMAGES_PATH, async () => ({
      agents: await listAgentImages(options.master.connectedAgents()),
    }));

    app.get<{ Params: { file: string } }>(`${IMAGES_PATH}/:file`, async (request, reply) => {
      const file = request.params.file;
      const path = join(dir, file);
      const found = /^[0-9a-f-]{36}\.tar$/.test(file) && (await stat(path).catch(() => undefined));
      if (!found) {
        return reply
          .code(404)
          .send({ code: 'MESOLITE_ERR_IMAGE_NOT_FOUND', message: `No image upload ${file}` });
      }
      return reply
        .header('content-type', 'application/x-tar')
        .header('content-length', found.size)
        .send(createReadStream(path));
    });

    app.post(IMAGES_PATH, async (request) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      const body = request.body as NodeJS.ReadableStream | undefined;
      if (!TAR_TYPES.includes(type)) throw new ImageUploadTypeError(type);
      if (body === undefined) throw new EmptyImageError();
      // Refused before a byte is read when the client says how much it sends, as the CLI does.
      if (Number(request.headers['content-length'] ?? 0) > maxBytes) {
        throw new ImageTooLargeError(maxBytes);
      }
      const id = randomUUID();
      const path = join(dir, `${id}.tar`);
      const limit = new ByteLimit(maxBytes);
      try {
        await pipeline(body, limit, createWriteStream(path));
        if (limit.bytes === 0) throw new EmptyImageError();
        const authorization = callerAuthorization(request);
        const agents = options.master.connectedAgents();
        request.log.info({ id, bytes: limit.bytes, agents: agents.length }, 'importing images');
        const results = await Promise.all(
          agents.map(async ({ id: agentId, hostname, link }): Promise<AgentImport> => {
            const answer = await link.importImage(
              {
                path: `${IMAGES_PATH}/${id}.tar`,
                ...(authorization === undefined ? {} : { authorization }),
              },
              IMPORT_TIMEOUT_MS,
            );
            if (!importReply.check(answer)) return { agentId, hostname, error: 'malformed answer' };
            return answer.ok
              ? { agentId, hostname, loaded: answer.loaded }
              : { agentId, hostname, error: answer.message };
          }),
        );
        return { id, bytes: limit.bytes, agents: results };
      } finally {
        await rm(path, { force: true });
      }
    });
  };
}
