/**
 * `mesolite image import FILE.tar` sends a `docker save` tarball to the master, which has
 * every connected agent load it into its Docker engine, so a workshop without internet
 * preloads its images once; `mesolite image list` shows what each agent's engine holds.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { type MasterAccessFlags, resolveMasterAccess } from '../auth/master-fetch.js';
import { defineError } from '../errors.js';
import type { AgentImages, AgentImport } from '../master/http/images-endpoint.js';
import { IMAGES_PATH } from '../master/http/images-endpoint.js';
import { MasterUnreachableError } from './app/errors.js';
import { formatTable } from './app/table.js';
import { reporting } from './command-support.js';
import { clientFetch, withCredentialOptions } from './credential-options.js';
import { masterOption, masterUrl } from './master-option.js';

const ImageFileError = defineError(
  'MESOLITE_ERR_IMAGE_FILE',
  400,
  (file: string, reason: string) => `cannot send ${file}: ${reason}`,
);

const ImageRefusedError = defineError(
  'MESOLITE_ERR_IMAGE_REFUSED',
  502,
  (status: number, message: string) => `the master answered ${status}: ${message}`,
);

const ImportFailedError = defineError(
  'MESOLITE_ERR_IMAGE_IMPORT_FAILED',
  502,
  (failed: number, total: number) =>
    total === 0
      ? 'no agent is connected to the master; start one, then import again'
      : `${failed} of ${total} agents could not load the images`,
);

function megabytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function messageOf(status: number, text: string): Error {
  let message = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not JSON: a proxy's page or plain text, shown as it came.
  }
  return new ImageRefusedError(status, message);
}

/**
 * Streams the file as the request body; global fetch with a pinned CA would buffer it
 * (see auth/master-fetch.ts), and an image can be larger than the memory we want to use.
 */
async function upload(flags: MasterAccessFlags, file: string, size: number): Promise<string> {
  const access = await resolveMasterAccess(flags);
  const url = masterUrl(flags.master, IMAGES_PATH);
  const https = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = (https ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-tar',
        'content-length': size,
        accept: 'application/json',
        ...(access.token === undefined ? {} : { authorization: `token=${access.token}` }),
      },
      ...(https && access.ca !== undefined ? { ca: access.ca } : {}),
    });
    request.on('response', (response: IncomingMessage) => {
      answered = true;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(text);
          return;
        }
        // A refusal (403, 413) can come before the upload ends; the rest need not be sent.
        request.destroy();
        reject(messageOf(status, text));
      });
      response.on('error', reject);
    });
    request.on('error', (err: NodeJS.ErrnoException) =>
      reject(new MasterUnreachableError(url.origin, err.code ?? err.message)),
    );
    // Once the master has answered, a broken upload is no news; the answer is what counts.
    pipeline(createReadStream(file), request).catch((err: unknown) => {
      if (!answered) reject(err);
    });
  });
}

async function importImages(file: string, flags: MasterAccessFlags): Promise<void> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new ImageFileError(file, err.code === 'ENOENT' ? 'no such file' : err.message);
  });
  if (!info.isFile()) throw new ImageFileError(file, 'it is not a file');
  process.stdout.write(`Sending ${file} (${megabytes(info.size)}) to ${flags.master}\n`);
  const answer = JSON.parse(await upload(flags, file, info.size)) as { agents: AgentImport[] };
  let failed = 0;
  for (const agent of answer.agents) {
    const who = `agent ${agent.agentId} (${agent.hostname})`;
    if ('loaded' in agent) {
      process.stdout.write(`${who}: loaded ${agent.loaded.join(', ')}\n`);
    } else {
      failed++;
      process.stdout.write(`${who}: failed: ${agent.error}\n`);
    }
  }
  if (failed > 0 || answer.agents.length === 0) {
    throw new ImportFailedError(failed, answer.agents.length);
  }
}

async function listImages(flags: MasterAccessFlags & { json?: boolean }): Promise<void> {
  const url = masterUrl(flags.master, IMAGES_PATH);
  const send = await clientFetch(flags);
  let response: Response;
  try {
    response = await send(url, { signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new MasterUnreachableError(url.origin, cause);
  }
  const text = await response.text();
  if (!response.ok) throw messageOf(response.status, text);
  const { agents } = JSON.parse(text) as { agents: AgentImages[] };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(agents, null, 2)}\n`);
    return;
  }
  const rows = agents.flatMap((agent) =>
    'images' in agent
      ? agent.images.map((image) => [agent.agentId, agent.hostname, image])
      : [[agent.agentId, agent.hostname, `(${agent.error})`]],
  );
  process.stdout.write(formatTable(['AGENT', 'HOSTNAME', 'IMAGE'], rows));
}

export function imageCommand(): Command {
  const command = new Command('image').description(
    "Docker images on the agents' engines: preload them offline from `docker save` tarballs",
  );
  command.addCommand(
    withCredentialOptions(
      new Command('import')
        .description("load a `docker save` tarball into every connected agent's Docker engine")
        .argument('<file>', 'the tarball, e.g. from `docker save -o images.tar busybox:latest`')
        .addOption(masterOption()),
    ).action(reporting('image import', importImages)),
  );
  command.addCommand(
    withCredentialOptions(
      new Command('list')
        .description("list the images each connected agent's Docker engine has")
        .option('--json', 'print JSON')
        .addOption(masterOption()),
    ).action(reporting('image list', listImages)),
  );
  return command;
}
