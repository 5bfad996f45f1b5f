// Loaded models (TF.js graphs with their weights) keyed by registry version
// id (an anomaly model with its alarm policy revision as well), so that
// every forecast or online score does not rebuild a model. Versions and
// revisions are immutable, so an entry never goes stale; the least recently
// used one is disposed when the cache is full.

export interface Disposable { dispose(): void }

export class ModelCache {
  private readonly entries = new Map<string, Promise<Disposable>>();

  constructor(private readonly capacity = 16) {}

  get<T extends Disposable>(id: string, load: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.entries.set(id, entry); // most recently used last
      return entry as Promise<T>;
    }
    entry = load();
    entry.catch(() => this.entries.delete(id));
    this.entries.set(id, entry);
    while (this.entries.size > this.capacity) {
      const [oldest, p] = this.entries.entries().next().value as [string, Promise<Disposable>];
      this.entries.delete(oldest);
      void p.then((m) => m.dispose(), () => undefined);
    }
    return entry as Promise<T>;
  }

  clear(): void {
    for (const p of this.entries.values()) void p.then((m) => m.dispose(), () => undefined);
    this.entries.clear();
  }
}
