/**
 * The engine multiplexes a container's stdout and stderr on one stream when it has no
 * TTY: each frame is an 8-byte header (stream type, three zero bytes, a big-endian
 * payload length) followed by the payload. Chunks from the socket cut frames anywhere,
 * so this keeps the unfinished tail until the rest arrives.
 */

export type LogStreamName = 'stdout' | 'stderr';

export interface LogFrame {
  stream: LogStreamName;
  payload: Buffer;
}

const HEADER_LENGTH = 8;

export class LogFrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  /** The frames completed by this chunk, in order. */
  push(chunk: Buffer): LogFrame[] {
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: LogFrame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER_LENGTH) {
      const type = this.pending.readUInt8(offset);
      const length = this.pending.readUInt32BE(offset + 4);
      const end = offset + HEADER_LENGTH + length;
      if (this.pending.length < end) break;
      // Type 0 is stdin written back, which only a TTY-less attach with stdin produces;
      // it belongs with stdout as the CLI treats it.
      frames.push({
        stream: type === 2 ? 'stderr' : 'stdout',
        payload: this.pending.subarray(offset + HEADER_LENGTH, end),
      });
      offset = end;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }

  /** Bytes of a frame that has not fully arrived. */
  get buffered(): number {
    return this.pending.length;
  }
}
