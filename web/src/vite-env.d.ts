/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Absolute tRPC endpoint; by default `trpc` next to the page (works under any sub-path). */
  readonly VITE_TRPC_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
