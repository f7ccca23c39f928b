/**
 * POST /api/v1: the v1 operator API of the master. Read calls answer 200 with the
 * JSON response; SUBSCRIBE streams SUBSCRIBED (the full state) and then every
 * change as RecordIO-framed events; TEARDOWN, MARK_AGENT_GONE and UPDATE_WEIGHTS
 * change state.
 */
import type { FastifyInstance } from 'fastify';
import { OperatorCall } from '../../protocol/operator.js';
import { encodeRecord } from '../../protocol/recordio.js';
import { validator } from '../../protocol/validate.js';
import { BadCallError, UnsupportedCallError } from '../errors.js';
import type { Master } from '../master.js';
import { renderOperatorResponse } from '../render/operator-responses.js';
import { postOnly, readCall, sendMesosError } from './mesos-reply.js';

const callValidator = validator(OperatorCall, 'master::Call');

export function operatorEndpoint(master: Master) {
  return async function routes(app: FastifyInstance): Promise<void> {
    postOnly(app, '/api/v1');

    app.post('/api/v1', async (request, reply) => {
      try {
        master.assertRecovered();
        const call = readCall(request, reply, callValidator);
        if (!call) return;
        master.counters.operatorCalls++;

        switch (call.type) {
          case 'SUBSCRIBE': {
            reply.hijack();
            const raw = reply.raw;
            raw.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
            const unsubscribe = master.subscribeOperator((event) => raw.write(encodeRecord(event)));
            raw.on('close', unsubscribe);
            return;
          }
          case 'TEARDOWN': {
            const teardown = call.teardown;
            if (!teardown) throw new BadCallError("Expecting 'teardown' to be present");
            await master.removeFramework(
              teardown.framework_id.value,
              'operator asked for teardown',
            );
            reply.code(200).send();
            return;
          }
          case 'MARK_AGENT_GONE': {
            const gone = call.mark_agent_gone;
            if (!gone) throw new BadCallError("Expecting 'mark_agent_gone' to be present");
            await master.markAgentGone(gone.agent_id.value);
            reply.code(200).send();
            return;
          }
          case 'UPDATE_WEIGHTS': {
            const update = call.update_weights;
            if (!update) throw new BadCallError("Expecting 'update_weights' to be present");
            await master.updateWeights(update.weight_infos);
            reply.code(200).send();
            return;
          }
          case 'GET_WEIGHTS':
            reply
              .code(200)
              .type('application/json')
              .send({
                type: 'GET_WEIGHTS',
                get_weights: {
                  weight_infos: [...master.weights].map(([role, weight]) => ({ weight, role })),
                },
              });
            return;
          case 'GET_ROLES':
            reply
              .code(200)
              .type('application/json')
              .send({ type: 'GET_ROLES', get_roles: { roles: master.roles() } });
            return;
          default: {
            const response = renderOperatorResponse(call.type, master, { now: Date.now() });
            if (!response) throw new UnsupportedCallError(call.type);
            reply.code(200).type('application/json').send(response);
          }
        }
      } catch (err) {
        sendMesosError(reply, err);
      }
    });
  };
}
