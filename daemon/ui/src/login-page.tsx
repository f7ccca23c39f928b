import { useState } from 'preact/hooks';
import { afterLogin, logIn } from './session';

/** DC/OS's login form: a user name and a password, POSTed to the ACS login API. */
export function LoginPage() {
  const [uid, setUid] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const refused = await logIn(uid, password);
    setBusy(false);
    if (refused === undefined) location.assign(afterLogin());
    else setError(refused);
  };

  return (
    <div class="login">
      <form onSubmit={(event) => void submit(event)} aria-label="Log in">
        <h1>mesolite</h1>
        <label>
          User
          <input
            name="uid"
            autocomplete="username"
            value={uid}
            onInput={(event) => setUid(event.currentTarget.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
            required
          />
        </label>
        <button type="submit" disabled={busy}>
          Log in
        </button>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </div>
  );
}
