import { ApiError, describeError } from './api';

/**
 * Shows a failure as the daemon described it, with Marathon's field errors as a list
 * unless the caller shows them at their fields (`fieldsShown`).
 */
export function ErrorBox({
  error,
  title,
  fieldsShown = false,
}: {
  error: unknown;
  title?: string;
  fieldsShown?: boolean;
}) {
  if (error === undefined) return null;
  const details = error instanceof ApiError && !fieldsShown ? error.details : [];
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
