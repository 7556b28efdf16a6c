package dev.baton.service.blocks;

import io.vertx.sqlclient.Pool;

/**
 * Everything the block routes call, over one pool: types, schemas, documents, the default result
 * storage, and the system blocks registered at start.
 */
public record BlockServices(BlockTypes types, BlockSchemas schemas, BlockDocuments documents,
    StorageDefaults storage, SystemBlocks system) {

  /** @param encryptionKey {@code BATON_ENCRYPTION_KEY} (base64 of 32 bytes), or null */
  public static BlockServices create(Pool pool, String encryptionKey) {
    BlockKeys keys = new BlockKeys(pool, encryptionKey);
    BlockSchemas schemas = new BlockSchemas(pool);
    return new BlockServices(new BlockTypes(pool, keys), schemas, new BlockDocuments(pool, keys),
        new StorageDefaults(pool), new SystemBlocks(pool, schemas));
  }
}
