import {
  instanceIdFor,
  nextTaskId,
  parseTaskId,
  taskIdFor,
} from '@mesolite/plugin-marathon/app/task-id';
import { parsePathId } from '@mesolite/plugin-marathon/path-id';
import { describe, expect, it } from 'vitest';

const UUID = 'b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6';

describe('instance and task ids', () => {
  it("have Marathon's current form: <safe app id>.instance-<uuid>._app.<incarnation>", () => {
    const instance = instanceIdFor(parsePathId('/my-group/my-app'), UUID);
    expect([instance, taskIdFor(instance)]).toEqual([
      `my-group_my-app.instance-${UUID}`,
      `my-group_my-app.instance-${UUID}._app.1`,
    ]);
  });

  it('count the next incarnation of an instance up', () => {
    expect(nextTaskId(`web.instance-${UUID}._app.41`)).toBe(`web.instance-${UUID}._app.42`);
  });

  it('refuse a uuid that would make the id ambiguous', () => {
    expect(() => instanceIdFor(parsePathId('/web'), 'a.b')).toThrow(/contains '.' or '_'/);
  });
});

describe('parsing a task id', () => {
  it('reads the current form', () => {
    expect(parseTaskId(`prod_web.instance-${UUID}._app.3`)).toEqual({
      appId: parsePathId('/prod/web'),
      instanceId: `prod_web.instance-${UUID}`,
      uuid: UUID,
      incarnation: 3,
    });
  });

  it('reads the form of Marathon before instances, <safe app id>.<uuid>', () => {
    expect(parseTaskId(`prod_web.${UUID}`)).toEqual({
      appId: parsePathId('/prod/web'),
      instanceId: `prod_web.marathon-${UUID}`,
      uuid: UUID,
      incarnation: undefined,
    });
  });

  it('refuses what no Marathon wrote', () => {
    expect(() => parseTaskId('no-separator')).toThrow('taskId no-separator no valid identifier');
  });
});
