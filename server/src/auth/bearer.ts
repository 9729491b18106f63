/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerFromHeader(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
