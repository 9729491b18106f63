/** The tRPC error code of a failed client call (TRPCClientError's `data.code`). */
export function trpcCode(error: unknown): string | undefined {
  const data = (error as { data?: { code?: unknown } } | null)?.data;
  return typeof data?.code === 'string' ? data.code : undefined;
}

/** Runs `call` and returns the tRPC error code it fails with (undefined when it succeeds). */
export async function failureCode(call: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return trpcCode(error) ?? `not a tRPC error: ${String(error)}`;
  }
}
