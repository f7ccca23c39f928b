import { stepProgress } from './deployment-progress';
import type { Deployment, MarathonApp } from './marathon-types';

/** Running deployments, each with a progress bar per step. */
export function DeploymentList({
  deployments,
  apps,
}: {
  deployments: readonly Deployment[];
  apps: readonly MarathonApp[];
}) {
  return (
    <section>
      <h2>Deployments</h2>
      <ul class="deployments" data-testid="deployments">
        {deployments.map((deployment) => {
          const progress = stepProgress(deployment, apps);
          return (
            <li key={deployment.id} data-deployment-id={deployment.id}>
              <div>
                <code>{deployment.id}</code> {deployment.affectedApps.join(', ')}{' '}
                <span class="muted">
                  step {deployment.currentStep} of {deployment.totalSteps}
                </span>
              </div>
              <ol class="steps">
                {deployment.steps.map((step, index) => (
                  <li
                    // Steps have no ids; their place in the plan is what names them.
                    key={index}
                    class={index + 1 === deployment.currentStep ? 'current' : ''}
                  >
                    <progress max={1} value={progress[index] ?? 0} />{' '}
                    {step.actions.map((action) => `${action.action} ${action.app}`).join(', ')}
                  </li>
                ))}
              </ol>
            </li>
          );
        })}
      </ul>
      {deployments.length === 0 ? <p class="muted">No deployments in progress.</p> : null}
    </section>
  );
}
