import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  HttpLoad,
  HttpLoadResult,
  LoadCommand,
  LoadReply,
  LoadRequest,
  ProduceLoad,
  ProduceResult,
} from './load-protocol.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** The bench's handle on its load process (bench/load-child.ts), one request at a time. */
export class LoadProcess {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: LoadReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.result);
      else waiter?.reject(new Error(`load process: ${reply.error}`));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) {
        waiter.reject(new Error(`load process exited (${code ?? signal}) before answering`));
      }
      this.pending.clear();
    });
  }

  static start(cwd: string): LoadProcess {
    const script = fileURLToPath(new URL('./load-child.ts', import.meta.url));
    return new LoadProcess(fork(script, [], { cwd, execArgv: ['--import', 'tsx'], stdio: 'inherit' }));
  }

  http(load: Omit<HttpLoad, 'kind'>): Promise<HttpLoadResult> {
    return this.request({ kind: 'http', ...load }) as Promise<HttpLoadResult>;
  }

  produce(load: Omit<ProduceLoad, 'kind'>): Promise<ProduceResult> {
    return this.request({ kind: 'produce', ...load }) as Promise<ProduceResult>;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request({ kind: 'close' }).catch(() => undefined);
    await exited;
  }

  private request(command: LoadCommand): Promise<unknown> {
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, ...command } satisfies LoadRequest);
    });
  }
}
