import { useState } from 'react';
import type { CreatedKey, KeyRecord } from '@tollgate/shared';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CreatedKeyNotice } from '../components/created-key-notice';
import { KeyCreateForm } from '../components/key-create-form';
import { KeysTable } from '../components/keys-table';
import { Panel } from '../components/panel';
import { useKeyActions, useKeys } from '../hooks/use-keys';
import { useNow } from '../hooks/use-now';
import { describeError } from '../lib/errors';

/** Create, watch, reset and revoke API keys. */
export function KeysPage() {
  const keys = useKeys();
  const { create, revoke, resetUsage } = useKeyActions();
  const now = useNow(1000);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [toRevoke, setToRevoke] = useState<KeyRecord | null>(null);

  const busyId = resetUsage.isPending ? (resetUsage.variables?.id ?? null) : null;
  const rowError = resetUsage.error !== null ? `Reset failed: ${describeError(resetUsage.error)}` : null;

  return (
    <>
      <h1 className="page-title">API keys</h1>
      {created !== null ? <CreatedKeyNotice created={created} onDismiss={() => setCreated(null)} /> : null}
      <Panel title="Create a key">
        <KeyCreateForm
          busy={create.isPending}
          error={create.error !== null ? describeError(create.error) : null}
          onCreate={async (input) => setCreated(await create.mutateAsync(input))}
        />
      </Panel>
      <Panel
        title="Keys"
        loading={keys.isPending}
        loadingText="Loading keys…"
        error={
          keys.isError
            ? keys.data !== undefined
              ? `Showing the last known usage. ${describeError(keys.error)}`
              : describeError(keys.error)
            : rowError
        }
      >
        {keys.data !== undefined ? (
          <KeysTable
            items={keys.data.items}
            now={now}
            busyId={busyId}
            onRevoke={setToRevoke}
            onResetUsage={(record) => resetUsage.mutate({ id: record.id })}
          />
        ) : null}
      </Panel>
      {toRevoke !== null ? (
        <ConfirmDialog
          title={`Revoke “${toRevoke.name}”?`}
          confirmLabel="Revoke key"
          busy={revoke.isPending}
          error={revoke.error !== null ? describeError(revoke.error) : null}
          onCancel={() => {
            setToRevoke(null);
            revoke.reset();
          }}
          onConfirm={() =>
            revoke.mutate(
              { id: toRevoke.id },
              {
                onSuccess: () => setToRevoke(null),
              },
            )
          }
        >
          <p>
            Every call made with this key will be refused from now on (401). This cannot be undone; its usage history is
            kept.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
