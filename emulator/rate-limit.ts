import type { Reply } from './http';
import type { RateLimitOptions } from './options';

const REASONS: Record<number, string> = { 429: 'Too Many Requests', 503: 'Service Temporarily Unavailable' };

/** The page NGINX's `limit_req` sends with its error status (its stock error page). */
function nginxErrorPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  );
}

/**
 * NGINX-style leaky bucket, one per endpoint category (`connections`, `connectors`, …): each call adds
 * one unit, the bucket drains at `rate` units a second, and a call that would overflow `burst` units is
 * refused. 503 with no `Retry-After` is NGINX's default; 429 adds `Retry-After` (whole seconds, >= 1).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { level: number; at: number }>();

  constructor(private readonly options: RateLimitOptions) {}

  /** `undefined` when the call may proceed (and counts it), else the refusal to answer. */
  take(category: string, now = Date.now()): Reply | undefined {
    const { rate, burst, status } = this.options;
    const bucket = this.buckets.get(category) ?? { level: 0, at: now };
    bucket.level = Math.max(0, bucket.level - ((now - bucket.at) * rate) / 1000);
    bucket.at = now;
    this.buckets.set(category, bucket);
    if (bucket.level + 1 <= burst) {
      bucket.level += 1;
      return undefined;
    }
    const headers: Record<string, string> = { 'Content-Type': 'text/html' };
    if (status === 429) {
      const waitSeconds = Math.max(1, Math.ceil((bucket.level + 1 - burst) / rate));
      headers['Retry-After'] = String(waitSeconds);
    }
    return { status, headers, text: nginxErrorPage(status) };
  }

  clear(): void {
    this.buckets.clear();
  }
}
