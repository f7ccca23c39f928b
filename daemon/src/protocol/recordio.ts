import { defineError } from '../errors.js';

/**
 * RecordIO, the framing of Mesos's v1 streaming APIs (the scheduler API's event stream,
 * the operator API's SUBSCRIBE): every record is its length in bytes as decimal ASCII,
 * a newline, then exactly that many bytes. Records here are UTF-8 text (JSON events).
 */

/** Default bound on one record, so a garbage length cannot make a reader buffer forever. */
export const DEFAULT_MAX_RECORD_SIZE = 64 * 1024 * 1024;

// More characters than any length up to Number.MAX_SAFE_INTEGER needs, leaving room for
// leading zeros, which Mesos's own decoder accepts.
const MAX_HEADER_LENGTH = 20;
const NEWLINE = 0x0a;

export const RecordIOMalformedError = defineError(
  'MESOLITE_ERR_RECORDIO_MALFORMED',
  400,
  (problem: string) =>
    `Malformed RecordIO stream: ${problem}. A Mesos v1 stream frames every record as ` +
    '"<length in bytes>\\n<record>"; check that the peer speaks the streaming API.',
);

export const RecordTooLargeError = defineError(
  'MESOLITE_ERR_RECORDIO_TOO_LARGE',
  413,
  (length: number, max: number) =>
    `A RecordIO record declares a length of ${length} bytes or more, above the limit of ` +
    `${max} bytes. If the peer really sends records this large, raise maxRecordSize.`,
);

/**
 * Frames one record. A string or bytes are the record itself (already serialized);
 * any other value is serialized as JSON first.
 */
export function encodeRecord(record: string | Uint8Array | object): Buffer {
  const body =
    typeof record === 'string'
      ? Buffer.from(record, 'utf8')
      : record instanceof Uint8Array
        ? record
        : Buffer.from(JSON.stringify(record), 'utf8');
  return Buffer.concat([Buffer.from(`${body.byteLength}\n`, 'ascii'), body]);
}

export interface RecordIODecoderOptions {
  /** Largest record accepted, in bytes; {@link DEFAULT_MAX_RECORD_SIZE} when omitted. */
  readonly maxRecordSize?: number;
}

/**
 * Turns a byte stream cut at arbitrary points into records. Chunks may split a length,
 * a record, or a multi-byte character, and may hold many records: lengths count bytes,
 * and a record is decoded only once all of its bytes have arrived.
 *
 * After malformed input the decoder is failed for good, as Mesos's is: there is no
 * finding the next record boundary in a stream whose framing is broken.
 *
 * @example
 * const decoder = new RecordIODecoder();
 * socket.on('data', (chunk) => {
 *   for (const record of decoder.push(chunk)) handle(JSON.parse(record));
 * });
 * socket.on('end', () => decoder.end());
 */
export class RecordIODecoder {
  readonly #maxRecordSize: number;
  readonly #utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Offset in the whole stream of the next byte, for error messages. */
  #position = 0;
  /** The length digits read so far, while reading a length. */
  #header = '';
  /** Bytes still missing from the current record; undefined while reading a length. */
  #remaining: number | undefined;
  #length = 0;
  /** Copies of the pieces of a record that spans chunks. */
  #parts: Uint8Array[] = [];
  #failure: Error | undefined;

  constructor(options: RecordIODecoderOptions = {}) {
    const max = options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new RangeError(`maxRecordSize must be a non-negative integer, got ${max}`);
    }
    this.#maxRecordSize = max;
  }

  /**
   * Decodes what `chunk` completes and appends those records to `records` (a new array
   * unless given), which it returns. It throws on malformed framing; a caller that
   * passed its own array still has the records that came before the bad byte.
   */
  push(chunk: Uint8Array | string, records: string[] = []): string[] {
    if (this.#failure) throw this.#failure;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    try {
      this.#consume(bytes, records);
    } catch (error) {
      this.#failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
    return records;
  }

  /** Declares the end of the stream; throws if it ended inside a length or a record. */
  end(): void {
    if (this.#failure) throw this.#failure;
    if (this.#remaining !== undefined) {
      const received = this.#length - this.#remaining;
      this.#fail(`the stream ended inside a record, after ${received} of ${this.#length} bytes`);
    }
    if (this.#header !== '') {
      this.#fail(`the stream ended inside the length "${this.#header}"`);
    }
  }

  #consume(bytes: Uint8Array, records: string[]): void {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.#remaining === undefined) {
        offset = this.#readHeader(bytes, offset, records);
      } else {
        offset = this.#readRecord(bytes, offset, records);
      }
    }
  }

  #readHeader(bytes: Uint8Array, offset: number, records: string[]): number {
    const newline = bytes.indexOf(NEWLINE, offset);
    const end = newline === -1 ? bytes.length : newline;
    // latin1 maps each byte to one character, so positions and bad bytes stay exact.
    const digits = Buffer.from(bytes.buffer, bytes.byteOffset + offset, end - offset).toString(
      'latin1',
    );
    const bad = digits.search(/[^0-9]/);
    if (bad !== -1) {
      this.#position += bad;
      this.#fail(`expected the decimal length of a record, found ${describeByte(digits, bad)}`);
    }
    this.#header += digits;
    this.#position += digits.length;
    if (this.#header.length > MAX_HEADER_LENGTH) {
      this.#fail(`the length "${this.#header.slice(0, MAX_HEADER_LENGTH)}…" is too long`);
    }
    const length = Number(this.#header);
    if (length > this.#maxRecordSize) {
      throw new RecordTooLargeError(length, this.#maxRecordSize);
    }
    if (newline === -1) return end;

    if (this.#header === '') this.#fail('a record has an empty length');
    this.#position += 1;
    this.#header = '';
    this.#length = length;
    this.#remaining = length;
    // Mesos allows an empty record; it has no bytes to wait for.
    if (length === 0) this.#emit(new Uint8Array(0), records);
    return newline + 1;
  }

  #readRecord(bytes: Uint8Array, offset: number, records: string[]): number {
    const remaining = this.#remaining ?? 0;
    const take = Math.min(remaining, bytes.length - offset);
    const piece = bytes.subarray(offset, offset + take);
    this.#position += take;
    this.#remaining = remaining - take;
    if (this.#remaining > 0) {
      // Copied because the caller may reuse its buffer once push returns (and not with
      // slice(), which on a Buffer is a view).
      this.#parts.push(new Uint8Array(piece));
    } else if (this.#parts.length === 0) {
      this.#emit(piece, records);
    } else {
      this.#parts.push(piece);
      const whole = Buffer.concat(this.#parts);
      this.#parts = [];
      this.#emit(whole, records);
    }
    return offset + take;
  }

  #emit(record: Uint8Array, records: string[]): void {
    this.#remaining = undefined;
    try {
      records.push(this.#utf8.decode(record));
    } catch {
      this.#fail(`the record ending at byte ${this.#position} is not valid UTF-8`);
    }
  }

  #fail(problem: string): never {
    throw new RecordIOMalformedError(`${problem} (at byte ${this.#position})`);
  }
}

function describeByte(text: string, index: number): string {
  const code = text.charCodeAt(index);
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  return code >= 0x20 && code < 0x7f ? `"${text.charAt(index)}" (${hex})` : `byte ${hex}`;
}

/**
 * The reading side of a web ReadableStream (fetch's `response.body`), described by
 * shape so that both the DOM and Node typings of ReadableStream fit.
 */
export interface ByteStreamLike {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
    cancel(reason?: unknown): Promise<void>;
    releaseLock(): void;
  };
}

/** A Node Readable (an http response, a socket) or a web ReadableStream. */
export type RecordIOSource = AsyncIterable<Uint8Array | string> | ByteStreamLike;

/**
 * The records of a RecordIO stream, in order, as they arrive. Records before a
 * malformed byte are yielded before the error is thrown; a stream that ends inside a
 * record is an error too. Leaving the loop early cancels the source, which for an HTTP
 * response closes the connection.
 *
 * @example
 * const response = await fetch(`${master}/api/v1/scheduler`, { method: 'POST', body });
 * for await (const record of readRecords(response.body)) handle(JSON.parse(record));
 */
export async function* readRecords(
  source: RecordIOSource,
  options: RecordIODecoderOptions = {},
): AsyncGenerator<string, void, undefined> {
  const decoder = new RecordIODecoder(options);
  for await (const chunk of chunksOf(source)) {
    const records: string[] = [];
    let failure: unknown;
    try {
      decoder.push(chunk, records);
    } catch (error) {
      failure = error;
    }
    yield* records;
    if (failure !== undefined) throw failure;
  }
  decoder.end();
}

async function* chunksOf(source: RecordIOSource): AsyncGenerator<Uint8Array | string> {
  if (!('getReader' in source)) {
    // Leaving for-await destroys a Node Readable, which is what an early exit needs.
    yield* source;
    return;
  }
  const reader = source.getReader();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value !== undefined) yield value;
    }
    finished = true;
  } finally {
    if (!finished) {
      // The reader is being abandoned (an early exit or a decoding error); a failure to
      // cancel it says nothing more about the stream than what is already being reported.
      await reader.cancel().catch(() => {});
    }
    reader.releaseLock();
  }
}
