import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';

interface Entry {
  model: string;
  payload: AdapterPayload;
  expiresAt: number;
}

/** Enough for a person signing in on one machine; the oldest entries go first beyond it. */
const MAX_ENTRIES = 5_000;

/**
 * Where one local issuer keeps its sessions, interactions, codes and grants: in memory, on
 * purpose. They live minutes; a restart only means signing in again. (oidc-provider's own
 * in-memory store works too, but announces itself as unfit for production at every start.)
 */
export function createMemoryStore(now: () => number = Date.now): AdapterConstructor {
  const entries = new Map<string, Entry>();
  const key = (model: string, id: string) => `${model}:${id}`;

  const live = (k: string): Entry | undefined => {
    const entry = entries.get(k);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(k);
      return undefined;
    }
    return entry;
  };

  const findWhere = (model: string, field: 'uid' | 'userCode', value: string): AdapterPayload | undefined => {
    for (const [k, entry] of entries) {
      if (entry.model === model && entry.payload[field] === value && live(k)) return entry.payload;
    }
    return undefined;
  };

  return class MemoryStore implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
      const k = key(this.model, id);
      entries.delete(k); // re-inserted last, so the Map's order stays oldest-first
      entries.set(k, {
        model: this.model,
        payload,
        expiresAt: expiresIn === undefined ? Number.POSITIVE_INFINITY : now() + expiresIn * 1000,
      });
      while (entries.size > MAX_ENTRIES) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return live(key(this.model, id))?.payload;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return findWhere(this.model, 'uid', uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return findWhere(this.model, 'userCode', userCode);
    }

    async consume(id: string): Promise<void> {
      const entry = live(key(this.model, id));
      if (entry) entry.payload.consumed = Math.floor(now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(key(this.model, id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [k, entry] of entries) {
        if (entry.payload.grantId === grantId) entries.delete(k);
      }
    }
  };
}
