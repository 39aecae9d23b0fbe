// The persistence adapter: the Store port, its SQL implementation and the opener.
export * from './store.ts';
export { openStore, StoreConfigSchema, DEFAULT_SQLITE_PATH, type StoreConfig } from './open-store.ts';
export { deriveFillId, type FillIdParts } from './codec.ts';
export { migrations, migrateToLatest, MIGRATION_TABLE } from './migrations.ts';
export { MemoryStore, MemoryDatabase, openMemoryStore } from './memory-store.ts';
