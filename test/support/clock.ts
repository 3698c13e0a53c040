/**
 * The clock the emulator reads, under the test's control. The emulator times settling, rate limiting and
 * token expiry with `Date`; jest fakes `Date` alone for each test of the enclosing `describe`, while timers,
 * sockets and `fetch` run in real time. A test then steps through those states exactly, however long a busy
 * machine takes between two calls.
 */
// Everything jest can fake, but `Date`.
const REAL_TIME = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

export interface FrozenClock {
  /** Moves the frozen time on by `ms`. */
  advance(ms: number): void;
}

export function useFrozenClock(): FrozenClock {
  beforeEach(() => jest.useFakeTimers({ doNotFake: [...REAL_TIME] }));
  afterEach(() => jest.useRealTimers());
  return { advance: (ms) => jest.setSystemTime(Date.now() + ms) };
}

/**
 * The CPU milliseconds this process has used since `since` (a `process.cpuUsage()`): what a performance
 * bound should measure on a shared machine, where wall time stretches with everyone else's load.
 */
export function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}
