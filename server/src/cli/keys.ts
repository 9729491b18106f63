import { config as loadDotenv } from 'dotenv';
import { runKeysCli } from './keys-command.js';

/** Entry of `pnpm keys` (server/dist/cli/keys.js): `.env` of the working directory, then the command. */
loadDotenv({ quiet: true });
const code = await runKeysCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exit(code);
