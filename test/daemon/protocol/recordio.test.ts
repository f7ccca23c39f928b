import { Readable } from 'node:stream';
import {
  DEFAULT_MAX_RECORD_SIZE,
  encodeRecord,
  RecordIODecoder,
  readRecords,
} from '@mesolite/daemon/protocol/recordio';
import { describe, expect, it } from 'vitest';

const SUBSCRIBED = { type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'f-1' } } };
const HEARTBEAT = { type: 'HEARTBEAT' };
// Two-, three- and four-byte UTF-8 characters, so that cuts can land inside each.
const UNICODE = { type: 'UPDATE', message: 'tâche → 任务 😀' };

function stream(...records: Array<string | object>): Buffer {
  return Buffer.concat(records.map((record) => encodeRecord(record)));
}

function coded(code: string): unknown {
  return expect.objectContaining({ code });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('encodeRecord', () => {
  it('prefixes the length in bytes, not characters, and a newline', () => {
    expect(encodeRecord('{"type":"HEARTBEAT"}').toString()).toBe('20\n{"type":"HEARTBEAT"}');
    expect(encodeRecord('é😀').toString()).toBe('6\né😀');
  });

  it('serializes anything else as JSON', () => {
    expect(encodeRecord(HEARTBEAT).toString()).toBe('20\n{"type":"HEARTBEAT"}');
    expect(encodeRecord([1, 2]).toString()).toBe('5\n[1,2]');
  });

  it('frames bytes as they are, and an empty record as 0', () => {
    expect(encodeRecord(Uint8Array.of(0x7b, 0x7d))).toEqual(Buffer.from('2\n{}'));
    expect(encodeRecord('').toString()).toBe('0\n');
  });
});

describe('RecordIODecoder', () => {
  it('decodes several records from one chunk', () => {
    const decoder = new RecordIODecoder();
    const records = decoder.push(stream(SUBSCRIBED, HEARTBEAT, UNICODE));
    expect(records.map((record) => JSON.parse(record))).toEqual([SUBSCRIBED, HEARTBEAT, UNICODE]);
    decoder.end();
  });

  it('decodes the same records whatever the chunk boundaries', () => {
    const bytes = stream(SUBSCRIBED, '', HEARTBEAT, UNICODE, 'x'.repeat(1234));
    const expected = new RecordIODecoder().push(bytes);
    expect(expected).toHaveLength(5);

    // Every single cut point, including inside the lengths and inside each character.
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new RecordIODecoder();
      const records = [
        ...decoder.push(bytes.subarray(0, cut)),
        ...decoder.push(bytes.subarray(cut)),
      ];
      decoder.end();
      expect(records, `cut at ${cut}`).toEqual(expected);
    }

    // And one byte at a time.
    const decoder = new RecordIODecoder();
    const records: string[] = [];
    for (const byte of bytes) decoder.push(Uint8Array.of(byte), records);
    decoder.end();
    expect(records).toEqual(expected);
  });

  it('does not depend on the caller keeping its buffer', () => {
    const bytes = stream(UNICODE);
    const decoder = new RecordIODecoder();
    const reused = Buffer.alloc(8);
    const records: string[] = [];
    for (let offset = 0; offset < bytes.length; offset += reused.length) {
      const length = bytes.copy(reused, 0, offset, offset + reused.length);
      decoder.push(reused.subarray(0, length), records);
      reused.fill(0x21);
    }
    expect(records.map((record) => JSON.parse(record))).toEqual([UNICODE]);
  });

  it('accepts string chunks and lengths with leading zeros, as Mesos does', () => {
    const decoder = new RecordIODecoder();
    expect(decoder.push('0002\n{}3\n[1]')).toEqual(['{}', '[1]']);
  });

  it('yields an empty record for a zero length', () => {
    expect(new RecordIODecoder().push('0\n0\n2\n{}')).toEqual(['', '', '{}']);
  });

  it.each([
    ['an HTML error page', '<html><body>502</body></html>', /found "<" \(0x3c\) \(at byte 0\)/],
    ['a length with a sign', '-5\nhello', /found "-"/],
    ['a length with spaces', '5 \nhello', /found " " \(0x20\) \(at byte 1\)/],
    ['a length ended by CRLF', '5\r\nhello', /found byte 0x0d/],
    ['an empty length', '\n{}', /empty length/],
    ['a second record with a bad length', '2\n{}x\n', /found "x" \(0x78\) \(at byte 4\)/],
    ['an endless length', '0'.repeat(25), /too long/],
  ])('rejects %s', (_label, input, message) => {
    const decoder = new RecordIODecoder();
    expect(() => decoder.push(input)).toThrow(coded('MESOLITE_ERR_RECORDIO_MALFORMED'));
    expect(() => new RecordIODecoder().push(input)).toThrow(message);
  });

  it('rejects a record that is not UTF-8', () => {
    const decoder = new RecordIODecoder();
    expect(() => decoder.push(Buffer.from([0x32, 0x0a, 0xc3, 0x28]))).toThrow(
      coded('MESOLITE_ERR_RECORDIO_MALFORMED'),
    );
  });

  it('rejects a length above the limit before buffering anything', () => {
    const decoder = new RecordIODecoder({ maxRecordSize: 100 });
    expect(decoder.push(`100\n${'x'.repeat(100)}`)).toHaveLength(1);
    expect(() => decoder.push('101\n')).toThrow(coded('MESOLITE_ERR_RECORDIO_TOO_LARGE'));
  });

  it('rejects an absurd length as soon as its digits exceed the limit', () => {
    const decoder = new RecordIODecoder();
    expect(() => decoder.push(String(DEFAULT_MAX_RECORD_SIZE * 10))).toThrow(
      coded('MESOLITE_ERR_RECORDIO_TOO_LARGE'),
    );
  });

  it('stays failed after malformed input', () => {
    const decoder = new RecordIODecoder();
    expect(() => decoder.push('x')).toThrow(coded('MESOLITE_ERR_RECORDIO_MALFORMED'));
    expect(() => decoder.push('2\n{}')).toThrow(coded('MESOLITE_ERR_RECORDIO_MALFORMED'));
    expect(() => decoder.end()).toThrow(coded('MESOLITE_ERR_RECORDIO_MALFORMED'));
  });

  it('keeps the records before the bad byte in the caller’s array', () => {
    const records: string[] = [];
    expect(() => new RecordIODecoder().push('2\n{}3\n[1]?', records)).toThrow();
    expect(records).toEqual(['{}', '[1]']);
  });

  it.each([
    ['inside a record', '10\n{"a"', /after 4 of 10 bytes/],
    ['inside a length', '2\n{}1', /inside the length "1"/],
  ])('refuses a stream that ends %s', (_label, input, message) => {
    const decoder = new RecordIODecoder();
    decoder.push(input);
    expect(() => decoder.end()).toThrow(coded('MESOLITE_ERR_RECORDIO_MALFORMED'));
    expect(() => decoder.end()).toThrow(message);
  });

  it('refuses a nonsensical limit', () => {
    expect(() => new RecordIODecoder({ maxRecordSize: -1 })).toThrow(RangeError);
    expect(() => new RecordIODecoder({ maxRecordSize: Number.POSITIVE_INFINITY })).toThrow(
      RangeError,
    );
  });
});

describe('readRecords', () => {
  const bytes = stream(SUBSCRIBED, HEARTBEAT, UNICODE);
  // Cuts inside the first length, inside a record and inside the 😀.
  const emoji = bytes.indexOf(Buffer.from('😀'));
  const cuts = [1, 40, emoji + 2, bytes.length];
  const chunks = cuts.map((end, index) => bytes.subarray(cuts[index - 1] ?? 0, end));

  it('reads a Node Readable', async () => {
    const records = await collect(readRecords(Readable.from(chunks)));
    expect(records.map((record) => JSON.parse(record))).toEqual([SUBSCRIBED, HEARTBEAT, UNICODE]);
  });

  it('reads a web ReadableStream, as fetch returns', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
        controller.close();
      },
    });
    const records = await collect(readRecords(body));
    expect(records.map((record) => JSON.parse(record))).toEqual([SUBSCRIBED, HEARTBEAT, UNICODE]);
  });

  it('reads a real HTTP response body from fetch', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/recordio' });
      response.write(chunks[0]);
      setTimeout(() => response.end(Buffer.concat(chunks.slice(1))), 10);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const response = await fetch(`http://127.0.0.1:${address.port}/`);
      if (response.body === null) throw new Error('no body');
      expect(await collect(readRecords(response.body))).toHaveLength(3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('yields the records before a malformed byte, then throws', async () => {
    const seen: string[] = [];
    const reading = (async () => {
      for await (const record of readRecords(Readable.from([Buffer.from('2\n{}2\n[]<html>')]))) {
        seen.push(record);
      }
    })();
    await expect(reading).rejects.toThrow(coded('MESOLITE_ERR_RECORDIO_MALFORMED'));
    expect(seen).toEqual(['{}', '[]']);
  });

  it('throws when the stream ends inside a record', async () => {
    await expect(collect(readRecords(Readable.from([Buffer.from('2\n{}9\n{')])))).rejects.toThrow(
      /ended inside a record/,
    );
  });

  it('passes the size limit on', async () => {
    await expect(
      collect(readRecords(Readable.from([Buffer.from('11\n')]), { maxRecordSize: 10 })),
    ).rejects.toThrow(coded('MESOLITE_ERR_RECORDIO_TOO_LARGE'));
  });

  it('cancels a web stream that is left early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(encodeRecord(HEARTBEAT)));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const record of readRecords(body)) {
      expect(JSON.parse(record)).toEqual(HEARTBEAT);
      break;
    }
    expect(cancelled).toBe(true);
    expect(body.locked).toBe(false);
  });

  it('destroys a Node Readable that is left early', async () => {
    const source = new Readable({
      read() {
        this.push(encodeRecord(HEARTBEAT));
      },
    });
    for await (const _record of readRecords(source)) break;
    expect(source.destroyed).toBe(true);
  });
});
