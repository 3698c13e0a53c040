/**
 * Which hosts are this machine only: the constructs allow plain http there (a local emulator), and the
 * emulator warns when it listens anywhere else. The provider decides the same way (client.IsLoopbackHost in
 * Go); provider/internal/client/testdata/input-rules.json holds the cases both run.
 */

/**
 * True for addresses only this machine can reach: `localhost`, 127.0.0.0/8 in every IPv4 notation a URL
 * accepts (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`), `::1` and `::ffff:127.x.y.z`, with or without
 * brackets. The host goes through the WHATWG URL parser first, so it is judged as a URL would reach it.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  let hostname: string;
  try {
    hostname = new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}/`).hostname;
  } catch {
    return false;
  }
  if (hostname === 'localhost') return true;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(hostname)) return hostname.startsWith('127.');
  // The parser writes IPv6 compressed and in hex: ::1, or ::ffff:7fxx:xxxx for a mapped 127.x.y.z.
  return hostname === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname);
}
