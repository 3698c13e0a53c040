import type { Connection } from './store';

/**
 * Destinations the emulator pretends it cannot reach, set through `/__emulator/unreachable`: by
 * `configuration.destinationURL` (exact string) or by connection id. An active connection marked either way
 * settles in CLOSED instead of OPENED, as the HTTP connector does for an unreachable destination.
 */
export class UnreachableMarks {
  private readonly urls = new Set<string>();
  private readonly ids = new Set<string>();

  mark(target: { destinationURL?: string; id?: string }, unreachable: boolean): void {
    const apply = (set: Set<string>, value: string | undefined): void => {
      if (value === undefined) return;
      if (unreachable) set.add(value);
      else set.delete(value);
    };
    apply(this.urls, target.destinationURL);
    apply(this.ids, target.id);
  }

  has(connection: Connection): boolean {
    if (this.ids.has(connection.id)) return true;
    const configuration = connection.configuration as { destinationURL?: unknown } | undefined;
    const url = configuration?.destinationURL;
    return typeof url === 'string' && this.urls.has(url);
  }

  list(): { destinationURLs: string[]; ids: string[] } {
    return { destinationURLs: [...this.urls], ids: [...this.ids] };
  }

  clear(): void {
    this.urls.clear();
    this.ids.clear();
  }
}
