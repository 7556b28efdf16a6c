package dev.baton.service.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Blocks.BlockDocument;
import dev.baton.domain.Blocks.BlockDocumentCreate;
import dev.baton.domain.Blocks.BlockDocumentUpdate;
import dev.baton.domain.Blocks.DocumentReference;
import dev.baton.domain.Blocks.FullDocument;
import dev.baton.domain.Ids;
import dev.baton.filter.BlockFilters.DocumentQuery;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.BlockStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Block documents: create, read (by id, filtered, counted), update, delete. A top-level value
 * {@code {"$ref": {"block_document_id": id}}} in the data is a reference to another document:
 * stored as a reference row, not in the data, and replaced by that document's data on read.
 */
public final class BlockDocuments {
  public static final String NOT_FOUND = "Block document not found";

  private final Pool pool;
  private final BlockKeys keys;

  BlockDocuments(Pool pool, BlockKeys keys) {
    this.pool = pool;
    this.keys = keys;
  }

  /** A document's data split into what is stored and the references it makes (key → document id). */
  record Split(ObjectNode data, Map<String, UUID> references) {}

  /** Prefect's {@code _separate_block_references_from_data}; BAD_REQUEST for a reference without a usable id. */
  static Split split(ObjectNode data) {
    ObjectNode plain = JsonNodeFactory.instance.objectNode();
    Map<String, UUID> refs = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue() instanceof ObjectNode o && o.has("$ref")) {
        JsonNode id = o.get("$ref") instanceof ObjectNode ref ? ref.get("block_document_id") : null;
        if (id == null || id.isNull()) {
          throw BlockRefusal.badRequest("Received block reference without a block_document_id in key " + e.getKey());
        }
        UUID parsed = id.isTextual() ? parseUuid(id.textValue()) : null;
        if (parsed == null) {
          throw BlockRefusal.badRequest("Invalid block_document_id in the block reference in key " + e.getKey()
              + ": " + id + " is not a UUID");
        }
        refs.put(e.getKey(), parsed);
      } else {
        plain.set(e.getKey(), e.getValue());
      }
    }
    return new Split(plain, refs);
  }

  private static UUID parseUuid(String s) {
    try {
      return s.length() == 36 ? UUID.fromString(s) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * NOT_FOUND when the block type, the block schema or a referenced document is absent;
   * BAD_REQUEST when the schema is not one of the type's or a reference is malformed; CONFLICT
   * ("Block already exists") when the type has a document of that name. An anonymous document
   * without a name is named {@code anonymous-<uuid>}. Nothing is written on failure.
   */
  public Future<FullDocument> create(BlockDocumentCreate c) {
    Split split;
    try {
      split = split(c.data());
    } catch (BlockRefusal r) {
      return Future.failedFuture(r);
    }
    String name = c.isAnonymous() && (c.name() == null || c.name().isEmpty()) ? "anonymous-" + UUID.randomUUID() : c.name();
    UUID id = Ids.uuid7();
    return keys.forWrite().compose(cipher -> pool.withTransaction(conn -> BlockStore.type(conn, c.blockTypeId())
        .compose(type -> {
          if (type == null) {
            return Future.failedFuture(OrchestrationException.notFound("Block type " + c.blockTypeId() + " not found."));
          }
          return BlockStore.schema(conn, c.blockSchemaId()).compose(schema -> {
            if (schema == null) {
              return Future.failedFuture(OrchestrationException.notFound("Block schema " + c.blockSchemaId() + " not found."));
            }
            if (!schema.blockTypeId().equals(type.id())) {
              return Future.failedFuture(BlockRefusal.badRequest("Block schema " + schema.id()
                  + " is not a schema of block type " + type.id() + "."));
            }
            return BlockStore.insertDocument(conn, id, name, cipher.encrypt(split.data()), c.isAnonymous(), type.name(),
                type.id(), schema.id());
          });
        })
        .compose(inserted -> inserted ? Future.<Void>succeededFuture()
            : Future.failedFuture(new OrchestrationException(OrchestrationFailure.CONFLICT, "Block already exists")))
        .compose(x -> addReferences(conn, id, split.references(), false))
        .compose(x -> BlockReads.document(conn, keys, id, false))));
  }

  /**
   * Inserts the references {@code refs} of {@code parent}: NOT_FOUND when a referenced document is
   * absent, BAD_REQUEST when one would close a cycle (checked under a lock that serializes every
   * transaction adding references, so two cannot close one together).
   */
  private Future<Void> addReferences(SqlClient conn, UUID parent, Map<String, UUID> refs, boolean cycleCheck) {
    if (refs.isEmpty()) {
      return Future.succeededFuture();
    }
    List<UUID> targets = new ArrayList<>(new HashSet<>(refs.values()));
    Future<Void> locked = cycleCheck ? BlockStore.lockReferenceGraph(conn) : Future.succeededFuture();
    return locked.compose(x -> BlockStore.existingDocuments(conn, targets)).compose(found -> {
      for (UUID t : targets) {
        if (!found.contains(t)) {
          return Future.failedFuture(OrchestrationException.notFound("Block document " + t + " not found."));
        }
      }
      if (refs.containsValue(parent)) {
        return Future.failedFuture(cycle(parent, parent));
      }
      Future<Boolean> cyclic = cycleCheck ? BlockStore.reaches(conn, targets, parent) : Future.succeededFuture(false);
      return cyclic.compose(isCycle -> {
        if (isCycle) {
          return Future.failedFuture(cycle(parent, targets.get(0)));
        }
        Future<Void> f = Future.succeededFuture();
        for (Map.Entry<String, UUID> e : refs.entrySet()) {
          DocumentReference r = new DocumentReference(Ids.uuid7(), parent, e.getKey(), e.getValue());
          f = f.compose(y -> BlockStore.insertDocumentReference(conn, r));
        }
        return f;
      });
    });
  }

  private static BlockRefusal cycle(UUID parent, UUID reference) {
    return BlockRefusal.badRequest("Cannot create block document reference: it would introduce a cycle into the "
        + "block_document_reference graph (parent=" + parent + ", reference=" + reference + ").");
  }

  /** NOT_FOUND when absent. */
  public Future<FullDocument> get(UUID id, boolean includeSecrets) {
    return BlockReads.document(pool, keys, id, includeSecrets).compose(d -> d != null ? Future.succeededFuture(d)
        : Future.failedFuture(OrchestrationException.notFound(NOT_FOUND)));
  }

  public Future<List<FullDocument>> list(DocumentQuery q) {
    return BlockStore.documentIds(pool, q.documents(), q.types(), q.schemas(), q.sort(), q.limit(), q.offset())
        .compose(ids -> BlockReads.documents(pool, keys, ids, q.includeSecrets()));
  }

  public Future<Long> count(DocumentQuery q) {
    return BlockStore.countDocuments(pool, q.documents(), q.types(), q.schemas());
  }

  /**
   * Prefect's update: with {@code data}, obfuscated secrets sent back are replaced by the stored
   * values, the data is merged into the stored data ({@code merge_existing_data}) or replaces it,
   * references follow the data (a merge keeps the references of keys it does not mention), and the
   * document may move to another schema of its type. Without {@code data} nothing changes.
   * NOT_FOUND when the document (or the proposed schema, or a referenced document) is absent;
   * BAD_REQUEST for a schema of another type, a malformed reference or a cycle.
   */
  public Future<Void> update(UUID id, BlockDocumentUpdate u) {
    if (u.data() == null) {
      return BlockStore.documentLocked(pool, id).compose(d -> d != null ? Future.<Void>succeededFuture()
          : Future.failedFuture(OrchestrationException.notFound(NOT_FOUND)));
    }
    return keys.forWrite().compose(cipher -> pool.withTransaction(conn -> BlockStore.documentLocked(conn, id)
        .compose(doc -> {
          if (doc == null) {
            return Future.failedFuture(OrchestrationException.notFound(NOT_FOUND));
          }
          return BlockStore.schema(conn, doc.blockSchemaId()).compose(current -> proposedSchema(conn, doc, u)
              .compose(schemaId -> BlockStore.documentReferences(conn, id).compose(existing -> {
                ObjectNode stored = cipher.decrypt(doc.data());
                ObjectNode sent = u.data().deepCopy();
                Secrets.restore(sent, stored, Secrets.paths(current == null ? null : current.fields()));
                ObjectNode merged;
                if (u.mergeExistingData()) {
                  merged = stored.deepCopy();
                  merged.setAll(sent);
                } else {
                  merged = sent;
                }
                Split split = split(merged);
                Map<String, UUID> wanted = new LinkedHashMap<>();
                for (DocumentReference r : existing) {
                  if (u.mergeExistingData() && !sent.has(r.name())) {
                    wanted.put(r.name(), r.referenceId());
                  }
                }
                wanted.putAll(split.references());
                Map<String, UUID> added = new LinkedHashMap<>();
                Future<Void> f = BlockStore.updateDocument(conn, id, cipher.encrypt(split.data()), schemaId);
                Set<String> kept = new HashSet<>();
                for (DocumentReference r : existing) {
                  if (r.referenceId().equals(wanted.get(r.name()))) {
                    kept.add(r.name());
                  } else {
                    f = f.compose(x -> BlockStore.deleteDocumentReference(conn, r.id()));
                  }
                }
                wanted.forEach((k, v) -> {
                  if (!kept.contains(k)) {
                    added.put(k, v);
                  }
                });
                return f.compose(x -> addReferences(conn, id, added, true));
              })));
        })));
  }

  /** The schema id to move the document to (null: it stays), or the failure a bad one gets. */
  private static Future<UUID> proposedSchema(SqlClient conn, BlockDocument doc, BlockDocumentUpdate u) {
    if (u.blockSchemaId() == null || u.blockSchemaId().equals(doc.blockSchemaId())) {
      return Future.succeededFuture(null);
    }
    return BlockStore.schema(conn, u.blockSchemaId()).compose(s -> {
      if (s == null) {
        return Future.failedFuture(OrchestrationException.notFound("Block schema " + u.blockSchemaId() + " not found."));
      }
      if (!s.blockTypeId().equals(doc.blockTypeId())) {
        return Future.failedFuture(BlockRefusal.badRequest(
            "Must migrate block document to a block schema of the same block type."));
      }
      return Future.succeededFuture(s.id());
    });
  }

  /** NOT_FOUND when absent. References from and to it go with it; so does a default storage naming it. */
  public Future<Void> delete(UUID id) {
    return pool.withTransaction(c -> BlockStore.deleteDocument(c, id).compose(deleted -> deleted
        ? BlockStore.clearDanglingStorage(c, StorageDefaults.CONFIG_KEY)
        : Future.failedFuture(OrchestrationException.notFound(NOT_FOUND))));
  }
}
