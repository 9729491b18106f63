import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The built server the bench measures (`pnpm build`). */
export const TOLLGATE_DIST = join(SERVER_DIR, 'dist');

const PEERS_DIR = join(SERVER_DIR, 'bench', 'peers');
/** Inside server/node_modules, so that the compiled scripts resolve the server's dependencies. */
const OUT_DIR = join(SERVER_DIR, 'node_modules', '.cache', 'tollgate-bench');

/**
 * Transpiles the standalone scripts of `bench/peers/` to plain JavaScript (type-only imports
 * erased, no type check) so that every contender runs as `node <file>.js`, like the built Tollgate
 * server: no loader hooks in the process, none of their memory in its RSS. Returns the directory
 * of the `.js` files.
 */
export function compilePeerScripts(): string {
  const outDir = join(OUT_DIR, 'peers');
  mkdirSync(outDir, { recursive: true });
  // node_modules ends a package scope: say that these files are ES modules.
  writeFileSync(join(OUT_DIR, `package.json.${process.pid}.tmp`), '{ "type": "module", "private": true }\n');
  renameSync(join(OUT_DIR, `package.json.${process.pid}.tmp`), join(OUT_DIR, 'package.json'));
  for (const file of readdirSync(PEERS_DIR).filter((name) => name.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(PEERS_DIR, file), 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    // Written whole, then renamed: another bench starting meanwhile never reads half a file.
    const target = join(outDir, file.replace(/\.ts$/, '.js'));
    writeFileSync(`${target}.${process.pid}.tmp`, outputText);
    renameSync(`${target}.${process.pid}.tmp`, target);
  }
  return outDir;
}
