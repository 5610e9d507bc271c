// A single-consumer queue between the network loop and `for await`: what a stream hands its reader.
import { KestrelError } from './errors';

export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private waiting: (() => void) | undefined;
  private closed = false;
  private stopped = false;
  private error: unknown;

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }
  close(): void {
    this.closed = true;
    this.wake();
  }
  fail(error: unknown): void {
    this.error = error;
    this.closed = true;
    this.wake();
  }
  private wake(): void {
    const wake = this.waiting;
    this.waiting = undefined;
    wake?.();
  }

  iterator(onReturn: () => void): AsyncIterator<T> {
    return {
      next: async (): Promise<IteratorResult<T>> => {
        for (;;) {
          if (this.items.length) return { value: this.items.shift() as T, done: false };
          if (this.error !== undefined) {
            const error = this.error;
            this.error = undefined;
            // A caller that stopped reading on purpose is not told about the abort it caused.
            if (!(error instanceof KestrelError && error.kind === 'aborted' && this.stopped)) throw error;
          }
          if (this.closed) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (this.waiting = resolve));
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        this.stopped = true;
        onReturn();
        return { value: undefined, done: true };
      },
    };
  }
}
