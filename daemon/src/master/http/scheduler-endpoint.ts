/**
 * POST /api/v1/scheduler: the v1 scheduler HTTP API over the master. SUBSCRIBE
 * holds the response open as a RecordIO stream of events, identified by the
 * Mesos-Stream-Id header; every other call answers 202 with an empty body.
 */
import type { FastifyInstance } from 'fastify';
import { encodeRecord } from '../../protocol/recordio.js';
import { SchedulerCall } from '../../protocol/scheduler.js';
import { validator } from '../../protocol/validate.js';
import { BadCallError } from '../errors.js';
import type { Master } from '../master.js';
import { postOnly, readCall, STREAM_ID_HEADER, sendMesosError } from './mesos-reply.js';

const callValidator = validator(SchedulerCall, 'scheduler::Call');

export function schedulerEndpoint(master: Master) {
  return async function routes(app: FastifyInstance): Promise<void> {
    postOnly(app, '/api/v1/scheduler');

    app.post('/api/v1/scheduler', async (request, reply) => {
      try {
        master.assertRecovered();
        const call = readCall(request, reply, callValidator);
        if (!call) return;
        const streamId = request.headers[STREAM_ID_HEADER];
        const headerStreamId = Array.isArray(streamId) ? streamId[0] : streamId;

        if (call.type !== 'SUBSCRIBE') {
          await master.call(call, headerStreamId);
          reply.code(202).send();
          return;
        }
        if (headerStreamId !== undefined) {
          throw new BadCallError("Subscribe calls should not include the 'Mesos-Stream-Id' header");
        }

        const raw = reply.raw;
        // Events produced before the response head is written (SUBSCRIBED) wait here.
        let pending: Buffer[] | undefined = [];
        let closed = false;
        const connection = await master.subscribe(call, {
          send(event) {
            if (closed) return;
            const record = encodeRecord(event);
            if (pending) pending.push(record);
            else raw.write(record);
          },
          close() {
            if (closed) return;
            closed = true;
            raw.end();
          },
        });
        reply.hijack();
        raw.writeHead(200, {
          'content-type': 'application/json',
          'cache-control': 'no-cache',
          [STREAM_ID_HEADER]: connection.streamId,
        });
        for (const record of pending) raw.write(record);
        pending = undefined;
        if (closed) raw.end();
        raw.on('close', () => {
          closed = true;
          master.disconnected(connection.frameworkId, connection.streamId);
        });
      } catch (err) {
        sendMesosError(reply, err);
      }
    });
  };
}
