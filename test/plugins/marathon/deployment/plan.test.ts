import { DependencyCycleError } from '@mesolite/plugin-marathon/deployment/errors';
import { rootState } from '@mesolite/plugin-marathon/deployment/model';
import {
  affectedAppIds,
  computeDeploymentPlan,
  type DeploymentPlan,
} from '@mesolite/plugin-marathon/deployment/plan';
import { describe, expect, it } from 'vitest';
import { app, NOW, planOptions, reconfigured, scaled, state } from './fixtures.js';

/** The steps as `action app` strings, one array per step. */
function shape(plan: DeploymentPlan): string[][] {
  return plan.steps.map((step) => step.actions.map((a) => `${a.action} ${a.app.id}`));
}

describe('plan shapes', () => {
  it('creates a new app with a StartApplication step, then a ScaleApplication step', () => {
    const plan = computeDeploymentPlan(state(), state(app('/web')), planOptions());
    expect(shape(plan)).toEqual([['StartApplication /web'], ['ScaleApplication /web']]);
  });

  it('scales a new app to its instances', () => {
    const plan = computeDeploymentPlan(
      state(),
      state(app('/web', { instances: 3 })),
      planOptions(),
    );
    expect(plan.steps[1]?.actions[0]).toMatchObject({ action: 'ScaleApplication', scaleTo: 3 });
  });

  it('scales an app whose instances alone changed', () => {
    const web = app('/web');
    const plan = computeDeploymentPlan(state(web), state(scaled(web, 5)), planOptions());
    expect(shape(plan)).toEqual([['ScaleApplication /web']]);
    expect(plan.steps[0]?.actions[0]).toMatchObject({ scaleTo: 5 });
  });

  it('restarts an app whose config changed', () => {
    const web = app('/web');
    const plan = computeDeploymentPlan(state(web), state(reconfigured(web)), planOptions());
    expect(shape(plan)).toEqual([['RestartApplication /web']]);
  });

  it('restarts, not scales, an app whose config and instances both changed', () => {
    const web = app('/web');
    const target = { ...reconfigured(web), instances: 4 };
    const plan = computeDeploymentPlan(state(web), state(target), planOptions());
    expect(shape(plan)).toEqual([['RestartApplication /web']]);
  });

  it('scales an app changed to zero instances, even with a new config', () => {
    const web = app('/web', { instances: 2 });
    const target = { ...reconfigured(web), instances: 0 };
    const plan = computeDeploymentPlan(state(web), state(target), planOptions());
    expect(plan.steps[0]?.actions[0]).toMatchObject({ action: 'ScaleApplication', scaleTo: 0 });
  });

  it('stops an app that is gone', () => {
    const plan = computeDeploymentPlan(state(app('/web')), state(), planOptions());
    expect(shape(plan)).toEqual([['StopApplication /web']]);
  });

  it('leaves an unchanged app out of the plan', () => {
    const web = app('/web');
    const plan = computeDeploymentPlan(state(web), state({ ...web }), planOptions());
    expect(plan.steps).toEqual([]);
  });

  it('passes the instances sentenced to death to the scale action', () => {
    const web = app('/web', { instances: 3 });
    const plan = computeDeploymentPlan(
      state(web),
      state(scaled(web, 2)),
      planOptions({ toKill: new Map([['/web', ['web.instance-1']]]) }),
    );
    expect(plan.steps[0]?.actions[0]).toMatchObject({ sentencedToDeath: ['web.instance-1'] });
  });

  it('puts stops first, then starts, then scales and restarts', () => {
    const kept = app('/kept');
    const plan = computeDeploymentPlan(
      state(app('/old'), kept),
      state(reconfigured(kept), app('/new')),
      planOptions(),
    );
    expect(shape(plan)).toEqual([
      ['StopApplication /old'],
      ['StartApplication /new'],
      ['RestartApplication /kept', 'ScaleApplication /new'],
    ]);
  });
});

describe('plan identity', () => {
  it('takes its version from the injected clock, as an ISO timestamp', () => {
    const plan = computeDeploymentPlan(state(), state(app('/web')), planOptions());
    expect(plan.version).toBe(new Date(NOW).toISOString());
  });

  it('takes its id from the injected generator', () => {
    const plan = computeDeploymentPlan(state(), state(app('/web')), planOptions());
    expect(plan.id).toBe('00000000-0000-4000-8000-000000000001');
  });

  it('uses a random UUID when no generator is given', () => {
    const plan = computeDeploymentPlan(state(), state(app('/web')), { now: () => NOW });
    expect(plan.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('lists the affected apps sorted', () => {
    const plan = computeDeploymentPlan(state(app('/b')), state(app('/a')), planOptions());
    expect(affectedAppIds(plan)).toEqual(['/a', '/b']);
  });
});

describe('dependency order', () => {
  it('starts a dependency before the app that depends on it', () => {
    const plan = computeDeploymentPlan(
      state(),
      state(app('/app', { dependencies: ['/db'] }), app('/db')),
      planOptions(),
    );
    expect(shape(plan)).toEqual([
      ['StartApplication /app', 'StartApplication /db'],
      ['ScaleApplication /db'],
      ['ScaleApplication /app'],
    ]);
  });

  it('deploys apps with no dependency between them in the same step', () => {
    const plan = computeDeploymentPlan(state(), state(app('/a'), app('/b')), planOptions());
    expect(shape(plan)[1]).toEqual(['ScaleApplication /a', 'ScaleApplication /b']);
  });

  it('places an app after its longest chain of dependencies', () => {
    // /web depends on /db directly and through /cache, so it comes after both.
    const plan = computeDeploymentPlan(
      state(),
      state(
        app('/web', { dependencies: ['/db', '/cache'] }),
        app('/cache', { dependencies: ['/db'] }),
        app('/db'),
      ),
      planOptions(),
    );
    expect(shape(plan).slice(1)).toEqual([
      ['ScaleApplication /db'],
      ['ScaleApplication /cache'],
      ['ScaleApplication /web'],
    ]);
  });

  it('restarts dependencies first, as the docs describe for upgrades', () => {
    const db = app('/db');
    const web = app('/web', { dependencies: ['/db'] });
    const plan = computeDeploymentPlan(
      state(db, web),
      state(reconfigured(db), reconfigured(web)),
      planOptions(),
    );
    expect(shape(plan)).toEqual([['RestartApplication /db'], ['RestartApplication /web']]);
  });

  it('orders changed apps by the chain through unchanged ones', () => {
    // /c -> /b -> /a with only /a and /c changed: /c still waits for /a's layer.
    const a = app('/a');
    const b = app('/b', { dependencies: ['/a'] });
    const c = app('/c', { dependencies: ['/b'] });
    const plan = computeDeploymentPlan(
      state(a, b, c),
      state(scaled(a, 2), b, scaled(c, 2)),
      planOptions(),
    );
    expect(shape(plan)).toEqual([['ScaleApplication /a'], ['ScaleApplication /c']]);
  });

  it('reads a dependency on a group as one on every app under it', () => {
    const plan = computeDeploymentPlan(
      state(),
      state(
        app('/product/service/rails', { dependencies: ['/product/database'] }),
        app('/product/database/mongo'),
        app('/product/database/sql/mysql'),
      ),
      planOptions(),
    );
    expect(shape(plan).slice(1)).toEqual([
      ['ScaleApplication /product/database/mongo', 'ScaleApplication /product/database/sql/mysql'],
      ['ScaleApplication /product/service/rails'],
    ]);
  });

  it('reads a relative dependency against the app’s group', () => {
    const plan = computeDeploymentPlan(
      state(),
      state(app('/prod/web', { dependencies: ['db'] }), app('/prod/db')),
      planOptions(),
    );
    expect(shape(plan).slice(1)).toEqual([
      ['ScaleApplication /prod/db'],
      ['ScaleApplication /prod/web'],
    ]);
  });

  it('lets every app under a group inherit the group’s dependencies', () => {
    const target = rootState(
      [app('/product/service/play'), app('/product/service/rails'), app('/product/database/mongo')],
      new Map([['/product/service', ['../database']]]),
    );
    const plan = computeDeploymentPlan(state(), target, planOptions());
    expect(shape(plan).slice(1)).toEqual([
      ['ScaleApplication /product/database/mongo'],
      ['ScaleApplication /product/service/play', 'ScaleApplication /product/service/rails'],
    ]);
  });

  it('ignores a dependency that names nothing', () => {
    const plan = computeDeploymentPlan(
      state(),
      state(app('/web', { dependencies: ['/nowhere'] })),
      planOptions(),
    );
    expect(shape(plan)).toEqual([['StartApplication /web'], ['ScaleApplication /web']]);
  });

  it('stops an app before the app it depends on', () => {
    const plan = computeDeploymentPlan(
      state(app('/app', { dependencies: ['/db'] }), app('/db')),
      state(),
      planOptions(),
    );
    expect(shape(plan)).toEqual([['StopApplication /app'], ['StopApplication /db']]);
  });

  it('stops apps under a group before the apps the group depends on', () => {
    const original = rootState(
      [app('/svc/a'), app('/svc/b'), app('/data/db')],
      new Map([['/svc', ['/data']]]),
    );
    const plan = computeDeploymentPlan(original, state(), planOptions());
    expect(shape(plan)).toEqual([
      ['StopApplication /svc/a', 'StopApplication /svc/b'],
      ['StopApplication /data/db'],
    ]);
  });
});

describe('dependency cycles', () => {
  const cyclic = state(app('/a', { dependencies: ['/b'] }), app('/b', { dependencies: ['/a'] }));

  it('refuses a target whose apps depend on each other in a circle', () => {
    expect(() => computeDeploymentPlan(state(), cyclic, planOptions())).toThrow(
      DependencyCycleError,
    );
  });

  it('names the circle in the message', () => {
    expect(() => computeDeploymentPlan(state(), cyclic, planOptions())).toThrow(
      'Dependency graph has cyclic dependencies: /a -> /b -> /a.',
    );
  });

  it("keeps Marathon's own wording for the 422 body", () => {
    const error = new DependencyCycleError(['/a', '/b', '/a']);
    expect(error.validationMessage).toBe('Dependency graph has cyclic dependencies.');
    expect(error.statusCode).toBe(422);
  });

  it('finds a circle that runs through a group dependency', () => {
    const target = rootState(
      [app('/g/a'), app('/db', { dependencies: ['/g'] })],
      new Map([['/g', ['/db']]]),
    );
    expect(() => computeDeploymentPlan(state(), target, planOptions())).toThrow(
      /\/db -> \/g\/a -> \/db/,
    );
  });

  it('refuses an app that depends on itself', () => {
    expect(() =>
      computeDeploymentPlan(state(), state(app('/a', { dependencies: ['/a'] })), planOptions()),
    ).toThrow('/a -> /a');
  });
});
