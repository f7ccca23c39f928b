/**
 * The pre-install image check: a package whose Marathon app runs a Docker image that
 * no connected agent has would sit in staging, or fail, on a cluster without a
 * registry. The catalog says so (Cosmos has no error for it, so install goes on) and
 * names the way out: `mesolite image import`.
 */
import { type AgentImages, IMAGES_PATH } from '../master/http/images-endpoint.js';
import type { DaemonCall } from './daemon-call.js';
import { isJsonObject, type JsonObject } from './json-object.js';

/** The Docker image a rendered Marathon app runs, in either of Marathon's container forms. */
export function dockerImageOf(app: JsonObject): string | undefined {
  const container = app.container;
  if (!isJsonObject(container) || !isJsonObject(container.docker)) return undefined;
  const image = container.docker.image;
  return typeof image === 'string' && image.trim() !== '' ? image.trim() : undefined;
}

/**
 * A reference as the engine lists it among its repo tags: Docker Hub's default registry
 * and `library/` dropped, `:latest` added when no tag is given. Undefined for a digest
 * reference, which repo tags cannot confirm.
 */
export function normalizeImageReference(reference: string): string | undefined {
  if (reference.includes('@')) return undefined;
  let name = reference.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  name = name.replace(/^library\//, '');
  const lastSlash = name.lastIndexOf('/');
  return name.slice(lastSlash + 1).includes(':') ? name : `${name}:latest`;
}

/**
 * The warning for `image` given what each agent has, or undefined when an agent has it,
 * when no agent is connected (nothing to compare with), or when it cannot be told.
 */
export function missingImageWarning(
  image: string,
  agents: readonly AgentImages[],
): string | undefined {
  const wanted = normalizeImageReference(image);
  if (wanted === undefined || agents.length === 0) return undefined;
  const present = agents.some(
    (agent) =>
      'images' in agent && agent.images.some((tag) => normalizeImageReference(tag) === wanted),
  );
  if (present) return undefined;
  return (
    `Docker image ${image} is on none of the ${agents.length} connected agents; without a ` +
    `registry the app cannot start. Preload it: docker save -o image.tar ${image} && ` +
    'mesolite image import image.tar'
  );
}

/**
 * Asks the master's images endpoint what the agents have; undefined when it cannot tell
 * (the check then says nothing rather than a warning that may be wrong).
 */
export async function fetchAgentImages(call: DaemonCall): Promise<AgentImages[] | undefined> {
  try {
    const { status, body } = await call('GET', IMAGES_PATH);
    if (status !== 200 || !isJsonObject(body) || !Array.isArray(body.agents)) return undefined;
    return body.agents as AgentImages[];
  } catch {
    return undefined;
  }
}

/** The check for a rendered app: its warning, if it has one. */
export async function checkAppImage(
  app: JsonObject | undefined,
  agentImages: () => Promise<AgentImages[] | undefined>,
): Promise<string[]> {
  const image = app && dockerImageOf(app);
  if (image === undefined) return [];
  const agents = await agentImages();
  const warning = agents && missingImageWarning(image, agents);
  return warning === undefined ? [] : [warning];
}
