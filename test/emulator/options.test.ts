import { isLoopbackHost, OptionError, startEmulator, type EmulatorOptions } from '../../emulator';

describe('emulator option validation', () => {
  it.each<[string, EmulatorOptions, keyof EmulatorOptions]>([
    ['a page size of 0', { pageSize: 0 }, 'pageSize'],
    ['a fractional page size', { pageSize: 1.5 }, 'pageSize'],
    ['a negative settleMs', { settleMs: -1 }, 'settleMs'],
    ['a rate limit of 0', { rateLimit: 0 }, 'rateLimit'],
    ['a burst of 0', { rateLimit: 5, rateBurst: 0 }, 'rateBurst'],
    ['a burst without a rate limit', { rateBurst: 5 }, 'rateBurst'],
    [
      'a rate-limit status other than 503 or 429',
      { rateLimit: 5, rateLimitStatus: 500 as 503 },
      'rateLimitStatus',
    ],
    ['a rate-limit status without a rate limit', { rateLimitStatus: 429 }, 'rateLimitStatus'],
    [
      'serverDefaults that is not a boolean',
      { serverDefaults: 'no' as unknown as boolean },
      'serverDefaults',
    ],
    ['a log bound of 0 entries', { requestLogMaxEntries: 0 }, 'requestLogMaxEntries'],
    ['a log bound under 1 KiB', { requestLogMaxBytes: 100 }, 'requestLogMaxBytes'],
  ])('rejects %s with an OptionError naming the option', async (_case, options, option) => {
    const started = startEmulator(options);

    await expect(started).rejects.toBeInstanceOf(OptionError);
    await expect(started).rejects.toMatchObject({ option });
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
  ])('treats %s as loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
