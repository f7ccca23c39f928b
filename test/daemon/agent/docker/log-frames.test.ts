import { LogFrameDemuxer } from '@mesolite/daemon/agent/docker/log-frames';
import { describe, expect, it } from 'vitest';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('LogFrameDemuxer', () => {
  it('splits stdout and stderr frames, whatever the chunk boundaries', () => {
    const wire = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]);
    for (let cut = 1; cut < wire.length; cut++) {
      const demuxer = new LogFrameDemuxer();
      const frames = [...demuxer.push(wire.subarray(0, cut)), ...demuxer.push(wire.subarray(cut))];
      expect(frames.map((f) => [f.stream, f.payload.toString()])).toEqual([
        ['stdout', 'out 1\n'],
        ['stderr', 'err 1\n'],
        ['stdout', 'out 2\n'],
      ]);
      expect(demuxer.buffered).toBe(0);
    }
  });

  it('keeps an unfinished frame until the rest arrives', () => {
    const demuxer = new LogFrameDemuxer();
    const whole = frame(2, 'partial line');
    expect(demuxer.push(whole.subarray(0, 10))).toEqual([]);
    expect(demuxer.buffered).toBe(10);
    expect(demuxer.push(whole.subarray(10)).map((f) => f.payload.toString())).toEqual([
      'partial line',
    ]);
  });
});
