import { useId, useState, type FormEvent } from 'react';
import type { CreateKeyInput } from '@tollgate/shared';
import { NumberField } from './number-field';

interface KeyCreateFormProps {
  busy: boolean;
  error: string | null;
  onCreate: (input: CreateKeyInput) => Promise<unknown>;
}

function parseOptionalInt(raw: string): number | undefined | 'invalid' {
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isInteger(value) && value >= 0 ? value : 'invalid';
}

/** Name, and optionally a rate limit (calls per window) and a daily job quota; blanks take the server defaults. */
export function KeyCreateForm({ busy, error, onCreate }: KeyCreateFormProps) {
  const id = useId();
  const [name, setName] = useState('');
  const [limit, setLimit] = useState('');
  const [windowSec, setWindowSec] = useState('');
  const [dailyQuota, setDailyQuota] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = toInput();
    if (typeof input === 'string') {
      setProblem(input);
      return;
    }
    setProblem(null);
    try {
      await onCreate(input);
      setName('');
      setLimit('');
      setWindowSec('');
      setDailyQuota('');
    } catch {
      // the mutation's error is shown through `error`
    }
  }

  function toInput(): CreateKeyInput | string {
    if (name.trim() === '') return 'Give the key a name.';
    const parsedLimit = parseOptionalInt(limit);
    const parsedWindow = parseOptionalInt(windowSec);
    const parsedQuota = parseOptionalInt(dailyQuota);
    if (parsedLimit === 'invalid' || parsedLimit === 0) return 'The rate limit must be a whole number of at least 1.';
    if (parsedWindow === 'invalid' || parsedWindow === 0 || (parsedWindow ?? 0) > 86_400)
      return 'The window must be between 1 and 86400 seconds.';
    if (parsedQuota === 'invalid') return 'The daily job quota must be a whole number (0 or more).';
    if ((parsedLimit === undefined) !== (parsedWindow === undefined))
      return 'Set both the rate limit and its window, or leave both blank.';
    const input: CreateKeyInput = { name: name.trim() };
    if (parsedLimit !== undefined && parsedWindow !== undefined)
      input.rateLimit = { limit: parsedLimit, windowSec: parsedWindow };
    if (parsedQuota !== undefined) input.dailyJobQuota = parsedQuota;
    return input;
  }

  const shownError = problem ?? error;
  return (
    <form className="key-form" onSubmit={(event) => void submit(event)} aria-busy={busy} noValidate>
      <div className="field field-name">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={100}
          required
          autoComplete="off"
        />
      </div>
      <NumberField id={`${id}-limit`} label="Rate limit (calls)" min={1} value={limit} onChange={setLimit} />
      <NumberField
        id={`${id}-window`}
        label="Window (seconds)"
        min={1}
        max={86_400}
        value={windowSec}
        onChange={setWindowSec}
      />
      <NumberField id={`${id}-quota`} label="Daily job quota" min={0} value={dailyQuota} onChange={setDailyQuota} />
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create key'}
      </button>
      {shownError !== null ? (
        <p className="form-error field-full" role="alert">
          {shownError}
        </p>
      ) : null}
    </form>
  );
}
