// The Store contract: every backend (SQLite and PostgreSQL) must pass this suite.
// store.test.ts runs it once per implementation with a factory for a fresh, empty store.

import { afterEach, beforeEach, describe } from 'node:test';
import type { Store } from '../../../src/store/index.js';
import { agentAndKeyContract } from './agents.js';
import { auditContract } from './audit.js';
import { auditLogContract } from './audit-log.js';
import { recordContract } from './records.js';

export type StoreFactory = () => Promise<Store>;

export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });
    const currentStore = (): Store => store;

    agentAndKeyContract(currentStore);
    recordContract(currentStore);
    describe('audit', () => auditContract(currentStore));
    describe('audit log', () => auditLogContract(currentStore));
  });
}
