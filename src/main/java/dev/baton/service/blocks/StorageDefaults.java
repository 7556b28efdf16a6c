package dev.baton.service.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.domain.Blocks.BlockDocument;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.BlockStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;

/**
 * The server's default result storage ({@code /admin/storage}): the id of a block document whose
 * schema can {@code write-path}, kept in {@code configuration}; cleared when that document (or its
 * schema or type) is deleted.
 */
public final class StorageDefaults {
  static final String CONFIG_KEY = "server-default-result-storage";
  static final String FIELD = "default_result_storage_block_id";

  private final Pool pool;

  StorageDefaults(Pool pool) {
    this.pool = pool;
  }

  /** The configured document id, or null. */
  public Future<UUID> read() {
    return BlockStore.config(pool, CONFIG_KEY).map(StorageDefaults::id);
  }

  private static UUID id(JsonNode v) {
    JsonNode id = v == null ? null : v.get(FIELD);
    return id == null || !id.isTextual() ? null : UUID.fromString(id.textValue());
  }

  /**
   * Makes {@code documentId} the default; NOT_FOUND when there is no such document, INVALID_INPUT
   * when its schema lacks {@code write-path}. Returns what is configured then.
   */
  public Future<UUID> set(UUID documentId) {
    return pool.withTransaction(c -> BlockStore.existingDocuments(c, List.of(documentId)).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(OrchestrationException.notFound("Block document " + documentId + " not found."));
      }
      return BlockStore.documentsWithTypes(c, List.of(documentId))
          .compose(rows -> BlockStore.schema(c, ((BlockDocument) rows.get(documentId)[0]).blockSchemaId()))
          .compose(s -> {
            if (s == null || !s.capabilities().contains("write-path")) {
              return Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT,
                  "Block document " + documentId + " cannot be used for result storage."));
            }
            return BlockStore.putConfig(c, CONFIG_KEY,
                JsonNodeFactory.instance.objectNode().put(FIELD, documentId.toString())).map(documentId);
          });
    }));
  }

  public Future<Void> clear() {
    return BlockStore.deleteConfig(pool, CONFIG_KEY);
  }
}
