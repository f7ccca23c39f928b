import { ApiError, describeError } from './api';

/** Shows a failure as the daemon described it, with Marathon's field errors if any. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (error === undefined) return null;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div class="error" role="alert" data-testid="error">
      {title ? <strong>{title}: </strong> : null}
      <span>{describeError(error)}</span>
      {details.length > 0 ? (
        <table class="field-errors" data-testid="field-errors">
          <tbody>
            {details.map((detail) => (
              <tr key={detail.path}>
                <td>
                  <code>{detail.path}</code>
                </td>
                <td>{detail.errors.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
