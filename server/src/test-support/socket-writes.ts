import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';

type CountedSocket = Socket & { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };

/**
 * The socket writes `redis` makes while `work` runs: calls of the socket's `_write` and `_writev`,
 * each one write to the kernel (commands written while the socket is corked leave in one `_writev`;
 * `stream.write` calls would count each command).
 */
export async function socketWritesDuring<T>(
  redis: Redis,
  work: () => Promise<T>,
): Promise<{ writes: number; result: T }> {
  const socket = redis.stream as CountedSocket;
  const { _write: write, _writev: writev } = socket;
  let writes = 0;
  socket._write = function (this: Socket, ...args: unknown[]) {
    writes += 1;
    return write.apply(this, args);
  };
  socket._writev = function (this: Socket, ...args: unknown[]) {
    writes += 1;
    return writev.apply(this, args);
  };
  try {
    return { result: await work(), writes };
  } finally {
    socket._write = write;
    socket._writev = writev;
  }
}
