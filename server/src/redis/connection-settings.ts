import { readFileSync } from 'node:fs';
import { RedisConnectionSpec, type RedisNode, type RedisTlsFiles } from './connection-spec.js';

/** The Redis connection variables of CONTRACT §2 and §11, as the config schema parsed them. */
export interface RedisConnectionVariables {
  REDIS_URL?: string | undefined;
  REDIS_HOST?: string | undefined;
  REDIS_PORT: number;
  REDIS_USERNAME?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  REDIS_TLS: boolean;
  REDIS_CLUSTER: boolean;
  REDIS_TLS_CA_FILE?: string | undefined;
  REDIS_TLS_CERT_FILE?: string | undefined;
  REDIS_TLS_KEY_FILE?: string | undefined;
}

export interface Problem {
  variable: string;
  message: string;
}

export interface ResolvedRedisConnection {
  /** undefined when neither REDIS_URL nor REDIS_HOST is set */
  spec: RedisConnectionSpec | undefined;
  problems: Problem[];
  /** `⚠` lines about settings that are ignored (never their values) */
  notices: string[];
}

/** The variables REDIS_URL replaces; naming them when both forms are set. */
const HOST_FORM = ['REDIS_HOST', 'REDIS_PORT', 'REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS'] as const;

const TLS_FILES = [
  ['REDIS_TLS_CA_FILE', 'caFile'],
  ['REDIS_TLS_CERT_FILE', 'certFile'],
  ['REDIS_TLS_KEY_FILE', 'keyFile'],
] as const;

/**
 * Resolves the connection variables into one spec: REDIS_URL when set (the URL wins, and the
 * host-form variables set beside it are named in a notice), otherwise REDIS_HOST with REDIS_PORT,
 * REDIS_USERNAME, REDIS_PASSWORD and REDIS_TLS. With REDIS_CLUSTER=true, REDIS_URL (or REDIS_HOST)
 * may list several seed nodes, comma-separated. TLS files are checked now (readable, PEM), so a
 * wrong path stops start-up with the variable's name rather than a TLS error later.
 * `isSet(name)` tells whether a variable was given (defaults hide that).
 */
export function resolveRedisConnection(
  vars: RedisConnectionVariables,
  isSet: (variable: string) => boolean,
): ResolvedRedisConnection {
  const problems: Problem[] = [];
  const notices: string[] = [];
  const hostForm = HOST_FORM.filter(isSet);
  if (vars.REDIS_URL !== undefined && hostForm.length > 0) {
    notices.push(
      `⚠ REDIS_URL and ${hostForm.join(', ')} are both set: the URL wins, ${hostForm.length === 1 ? 'that variable is' : 'those variables are'} ignored` +
        (hostForm.includes('REDIS_TLS') && !vars.REDIS_URL.startsWith('rediss:') && vars.REDIS_TLS
          ? ' (for TLS, use a rediss:// URL)'
          : ''),
    );
  }
  if (vars.REDIS_URL === undefined && vars.REDIS_HOST === undefined) {
    const stray = [...hostForm, ...TLS_FILES.map(([variable]) => variable).filter(isSet)];
    if (stray.length > 0) notices.push(`⚠ ${stray.join(', ')} ignored: neither REDIS_URL nor REDIS_HOST is set`);
    return { spec: undefined, problems, notices };
  }

  const tlsFiles: { -readonly [K in keyof RedisTlsFiles]: string } = {};
  for (const [variable, field] of TLS_FILES) {
    const path = vars[variable];
    if (path === undefined) continue;
    const problem = checkPemFile(path);
    if (problem === null) tlsFiles[field] = path;
    else problems.push({ variable, message: `${variable} ${problem}` });
  }
  if (isSet('REDIS_TLS_CERT_FILE') !== isSet('REDIS_TLS_KEY_FILE')) {
    problems.push({
      variable: isSet('REDIS_TLS_CERT_FILE') ? 'REDIS_TLS_KEY_FILE' : 'REDIS_TLS_CERT_FILE',
      message: 'REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together (a client certificate needs its key)',
    });
  }

  const cluster = vars.REDIS_CLUSTER;
  let spec: RedisConnectionSpec | undefined;
  if (vars.REDIS_URL !== undefined) {
    try {
      spec = RedisConnectionSpec.from({ url: vars.REDIS_URL, tlsFiles, cluster });
    } catch {
      problems.push({
        variable: 'REDIS_URL',
        message:
          'REDIS_URL lists several nodes: set REDIS_CLUSTER=true for a Redis Cluster (they are its seed nodes), ' +
          'or give one redis:// URL',
      });
      return { spec: undefined, problems, notices };
    }
  } else if (cluster) {
    const nodes = clusterHosts(vars.REDIS_HOST!, vars.REDIS_PORT);
    if (nodes === null) {
      problems.push({
        variable: 'REDIS_HOST',
        message: 'REDIS_HOST must be host names or IP addresses, comma-separated, each with an optional :port',
      });
      return { spec: undefined, problems, notices };
    }
    spec = RedisConnectionSpec.from({
      nodes,
      ...(vars.REDIS_USERNAME === undefined ? {} : { username: vars.REDIS_USERNAME }),
      ...(vars.REDIS_PASSWORD === undefined ? {} : { password: vars.REDIS_PASSWORD }),
      tls: vars.REDIS_TLS,
      tlsFiles,
      cluster,
    });
  } else {
    try {
      spec = RedisConnectionSpec.from({
        host: vars.REDIS_HOST!,
        port: vars.REDIS_PORT,
        ...(vars.REDIS_USERNAME === undefined ? {} : { username: vars.REDIS_USERNAME }),
        ...(vars.REDIS_PASSWORD === undefined ? {} : { password: vars.REDIS_PASSWORD }),
        tls: vars.REDIS_TLS,
        tlsFiles,
      });
    } catch {
      problems.push({ variable: 'REDIS_HOST', message: 'REDIS_HOST must be a host name or an IP address' });
      return { spec: undefined, problems, notices };
    }
  }
  const fileVariables = TLS_FILES.map(([variable]) => variable).filter(isSet);
  if (!spec.tls && fileVariables.length > 0) {
    problems.push({
      variable: fileVariables[0]!,
      message:
        `${fileVariables.join(', ')} ${fileVariables.length === 1 ? 'is' : 'are'} set but the connection does not use TLS: ` +
        (spec.source === 'REDIS_URL' ? 'use a rediss:// URL' : 'set REDIS_TLS=true'),
    });
  }
  if (spec.cluster && spec.db !== 0) {
    problems.push({
      variable: spec.source,
      message: `${spec.source} selects database ${spec.db}: a Redis Cluster has database 0 only`,
    });
  }
  return { spec, problems, notices };
}

/**
 * The seed nodes of REDIS_HOST with REDIS_CLUSTER: `h1,h2:7001,[::1]:7002` (REDIS_PORT for those
 * without a port); null when an entry is not a host.
 */
function clusterHosts(text: string, defaultPort: number): RedisNode[] | null {
  const nodes: RedisNode[] = [];
  for (const entry of text.split(',').map((part) => part.trim())) {
    const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(entry);
    const named = /^([^\s:[\]]+)(?::(\d{1,5}))?$/.exec(entry);
    const bareIpv6 = /^[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/.test(entry) ? entry : null;
    const host = bracketed?.[1] ?? named?.[1] ?? bareIpv6;
    const port = Number(bracketed?.[2] ?? named?.[2] ?? defaultPort);
    if (host === undefined || host === null || host === '' || port < 1 || port > 65_535) return null;
    nodes.push({ host, port });
  }
  return nodes;
}

/** null when `path` is a readable PEM file, else what is wrong (never its contents). */
function checkPemFile(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return `cannot be read (${code}: ${path})`;
  }
  return text.includes('-----BEGIN ') ? null : `is not a PEM file (${path})`;
}
