/**
 * Which hosts are this machine only: the constructs allow plain http there (a local emulator), and the
 * emulator warns when it listens anywhere else.
 */
/** True for addresses only this machine can reach: `localhost`, 127.0.0.0/8 and `::1`, with or without brackets. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) ||
    bare === '::ffff:127.0.0.1'
  );
}
