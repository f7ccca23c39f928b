/**
 * The agent channel: the socket.io namespace `/agents` between the master and its
 * agents. Both ends compile against these event maps. Payloads reuse the Mesos v1
 * messages; the envelope is mesolite's own, since Mesos's agent↔master protocol is
 * libprocess-internal and not a public API.
 */
import { type Static, Type } from 'typebox';
import {
  AgentInfo,
  type ExecutorInfo,
  FrameworkInfo,
  type KillPolicy,
  type MasterInfo,
  Task,
  type TaskGroupInfo,
  type TaskInfo,
  TaskStatus,
} from './mesos.js';

export const AGENT_NAMESPACE = '/agents';

export const RegisterAgentRequest = Type.Object({
  agent_info: AgentInfo,
  version: Type.String(),
  /** The join token; optional on loopback, where no secret is required. */
  token: Type.Optional(Type.String()),
  /** Present when re-registering: the id this agent was given before. */
  agent_id: Type.Optional(Type.Object({ value: Type.String({ minLength: 1 }) })),
  /** Every task the agent runs or holds unacknowledged updates for. */
  tasks: Type.Optional(Type.Array(Task)),
  frameworks: Type.Optional(Type.Array(FrameworkInfo)),
});
export type RegisterAgentRequest = Static<typeof RegisterAgentRequest>;

export type RegisterAgentReply =
  | { ok: true; agent_id: { value: string }; master_info: Static<typeof MasterInfo> }
  | { ok: false; code: string; message: string };

export const AgentStatusUpdate = Type.Object({
  framework_id: Type.Object({ value: Type.String({ minLength: 1 }) }),
  status: TaskStatus,
});
export type AgentStatusUpdate = Static<typeof AgentStatusUpdate>;

export interface RunTaskMessage {
  framework_info: Static<typeof FrameworkInfo>;
  task: Static<typeof TaskInfo>;
}

export interface RunTaskGroupMessage {
  framework_info: Static<typeof FrameworkInfo>;
  executor: Static<typeof ExecutorInfo>;
  task_group: Static<typeof TaskGroupInfo>;
}

export interface KillTaskMessage {
  framework_id: { value: string };
  task_id: { value: string };
  kill_policy?: Static<typeof KillPolicy>;
}

export interface StatusUpdateAcknowledgement {
  framework_id: { value: string };
  task_id: { value: string };
  uuid: string;
}

export interface FrameworkMessage {
  framework_id: { value: string };
  executor_id: { value: string };
  data: string;
}

export interface AgentToMasterEvents {
  register: (request: RegisterAgentRequest, reply: (answer: RegisterAgentReply) => void) => void;
  status_update: (update: AgentStatusUpdate) => void;
}

export interface MasterToAgentEvents {
  run_task: (message: RunTaskMessage) => void;
  run_task_group: (message: RunTaskGroupMessage) => void;
  kill_task: (message: KillTaskMessage) => void;
  shutdown_framework: (message: { framework_id: { value: string } }) => void;
  status_update_acknowledgement: (ack: StatusUpdateAcknowledgement) => void;
  framework_message: (message: FrameworkMessage) => void;
  list_images: (reply: (answer: ImageListReply) => void) => void;
  import_image: (request: ImportImageRequest, reply: (answer: ImportImageReply) => void) => void;
  files_browse: (request: FilesPathRequest, reply: (answer: FilesBrowseReply) => void) => void;
  files_read: (request: FilesReadRequest, reply: (answer: FilesReadReply) => void) => void;
  files_stat: (request: FilesPathRequest, reply: (answer: FilesStatReply) => void) => void;
  files_debug: (reply: (answer: FilesDebugReply) => void) => void;
}

/**
 * Docker images on an agent's engine, for the catalog's image check and for preloading
 * images offline. Answers go through socket.io acknowledgements; the tarball itself never
 * travels over the channel (it would exceed maxHttpBufferSize): the agent downloads it.
 */
export const ImageListReply = Type.Union([
  Type.Object({ ok: Type.Literal(true), images: Type.Array(Type.String()) }),
  Type.Object({ ok: Type.Literal(false), code: Type.String(), message: Type.String() }),
]);
export type ImageListReply = Static<typeof ImageListReply>;

export const ImportImageRequest = Type.Object({
  /**
   * Where the agent downloads the `docker save` tarball: a path on the master, resolved
   * against the URL the agent joined it at (the master cannot know how a LAN agent reaches it).
   */
  // One leading slash: `//host/x` would send the agent (and the credentials) elsewhere.
  path: Type.String({ pattern: '^/(?!/)' }),
  /** The importing caller's credentials, when the master requires them for the download. */
  authorization: Type.Optional(Type.String()),
});
export type ImportImageRequest = Static<typeof ImportImageRequest>;

export const ImportImageReply = Type.Union([
  Type.Object({ ok: Type.Literal(true), loaded: Type.Array(Type.String()) }),
  Type.Object({ ok: Type.Literal(false), code: Type.String(), message: Type.String() }),
]);
export type ImportImageReply = Static<typeof ImportImageReply>;

/**
 * The files API of an agent the master cannot reach over HTTP (a LAN agent serves
 * /files/* on its own loopback only): the master asks over the channel and the agent
 * answers from its FilesRegistry, with the HTTP endpoints' rules. A refusal carries the
 * HTTP status and Mesos's message, so the master answers exactly as the agent would.
 */
export const FilesRefusal = Type.Object({
  ok: Type.Literal(false),
  code: Type.String(),
  status: Type.Integer({ minimum: 400, maximum: 599 }),
  message: Type.String(),
});
export type FilesRefusal = Static<typeof FilesRefusal>;

/** A /files/browse entry, with exactly the fields of Mesos's `model(const FileInfo&)`. */
export const FileInfo = Type.Object({
  path: Type.String(),
  nlink: Type.Integer(),
  size: Type.Integer({ minimum: 0 }),
  /** Seconds since the epoch, whole, as Mesos reports st_mtime. */
  mtime: Type.Integer(),
  /** As `ls -l` prints it: "-rw-r--r--", "drwxr-xr-x". */
  mode: Type.String(),
  /** The owner's user name, or the uid as a string when it has none. */
  uid: Type.String(),
  gid: Type.String(),
});
export type FileInfo = Static<typeof FileInfo>;

export const FilesPathRequest = Type.Object({ path: Type.String({ minLength: 1 }) });
export type FilesPathRequest = Static<typeof FilesPathRequest>;

/** One page of a file: `length` absent reads to the end; the agent caps it at one page. */
export const FilesReadRequest = Type.Object({
  path: Type.String({ minLength: 1 }),
  offset: Type.Integer({ minimum: 0 }),
  length: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type FilesReadRequest = Static<typeof FilesReadRequest>;

export const FilesBrowseReply = Type.Union([
  Type.Object({ ok: Type.Literal(true), entries: Type.Array(FileInfo) }),
  FilesRefusal,
]);
export type FilesBrowseReply = Static<typeof FilesBrowseReply>;

export const FilesReadReply = Type.Union([
  Type.Object({
    ok: Type.Literal(true),
    /** The file's size when it was read. */
    size: Type.Integer({ minimum: 0 }),
    /** The bytes, base64: a page may end inside a UTF-8 character. */
    data: Type.String(),
  }),
  FilesRefusal,
]);
export type FilesReadReply = Static<typeof FilesReadReply>;

/** What a download needs before its first page: the size, and the name it is saved as. */
export const FilesStatReply = Type.Union([
  Type.Object({ ok: Type.Literal(true), size: Type.Integer({ minimum: 0 }), name: Type.String() }),
  FilesRefusal,
]);
export type FilesStatReply = Static<typeof FilesStatReply>;

export const FilesDebugReply = Type.Union([
  Type.Object({ ok: Type.Literal(true), paths: Type.Record(Type.String(), Type.String()) }),
  FilesRefusal,
]);
export type FilesDebugReply = Static<typeof FilesDebugReply>;

/**
 * The master's way to ask an agent's files API. Each call settles with the agent's
 * answer, or with a refusal when it does not answer within `timeoutMs`; it never rejects.
 */
export interface AgentFilesLink {
  browse(request: FilesPathRequest, timeoutMs: number): Promise<FilesBrowseReply>;
  read(request: FilesReadRequest, timeoutMs: number): Promise<FilesReadReply>;
  stat(request: FilesPathRequest, timeoutMs: number): Promise<FilesStatReply>;
  debug(timeoutMs: number): Promise<FilesDebugReply>;
}
