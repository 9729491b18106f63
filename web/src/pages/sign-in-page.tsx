import { useId, useState, type FormEvent } from 'react';
import { saveToken } from '../lib/token-store';
import { verifyAdminToken } from '../trpc';

interface SignInPageProps {
  /** why the previous session ended, if it did not end by the user's choice */
  notice: string | null;
}

/** The token is checked against the server before it is kept (in sessionStorage only). */
export function SignInPage({ notice }: SignInPageProps) {
  const fieldId = useId();
  const errorId = useId();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const candidate = token.trim();
    if (candidate === '') {
      setError('Enter the admin token.');
      return;
    }
    setChecking(true);
    setError(null);
    const check = await verifyAdminToken(candidate);
    setChecking(false);
    if (check.ok) saveToken(candidate);
    else setError(check.message);
  }

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={(event) => void submit(event)} aria-busy={checking} noValidate>
        <h1>Tollgate console</h1>
        <p className="muted">
          Sign in with the server’s <code>ADMIN_TOKEN</code>. It is kept in this tab only.
        </p>
        {notice !== null && error === null ? <p className="notice">{notice}</p> : null}
        <label htmlFor={fieldId}>Admin token</label>
        <input
          id={fieldId}
          name="admin-token"
          type="password"
          autoComplete="current-password"
          spellCheck={false}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? errorId : undefined}
          required
          autoFocus
        />
        {error !== null ? (
          <p id={errorId} className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button-primary" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
