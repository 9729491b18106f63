import { useId, useRef } from 'react';
import type { CreatedKey } from '@tollgate/shared';
import { CopyButton } from './copy-button';

interface CreatedKeyNoticeProps {
  created: CreatedKey;
  onDismiss: () => void;
}

/** The one and only time the plain key is shown. */
export function CreatedKeyNotice({ created, onDismiss }: CreatedKeyNoticeProps) {
  const fieldId = useId();
  const field = useRef<HTMLInputElement>(null);
  return (
    <section className="created-key" aria-labelledby={`${fieldId}-title`}>
      <h2 id={`${fieldId}-title`}>Key “{created.name}” created</h2>
      <p>Copy it now: it is shown only once and cannot be recovered.</p>
      <div className="created-key-row">
        <label htmlFor={fieldId} className="visually-hidden">
          New API key
        </label>
        <input
          id={fieldId}
          ref={field}
          className="mono"
          readOnly
          value={created.apiKey}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={created.apiKey} label="Copy API key" onFallback={() => field.current?.select()} />
        <button type="button" className="button-quiet" onClick={onDismiss}>
          Done
        </button>
      </div>
    </section>
  );
}
