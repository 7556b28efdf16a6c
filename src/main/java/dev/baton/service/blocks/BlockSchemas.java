package dev.baton.service.blocks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Blocks.BlockSchema;
import dev.baton.domain.Blocks.BlockSchemaCreate;
import dev.baton.domain.Blocks.FullSchema;
import dev.baton.domain.Blocks.SchemaReference;
import dev.baton.domain.Ids;
import dev.baton.filter.BlockFilters.SchemaQuery;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.BlockStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.UUID;

/**
 * Block schemas: create (with the schemas of nested blocks, registered from the definitions the
 * fields carry), read (by id, by checksum, filtered), delete, and the capabilities they declare.
 * A schema is identified by its checksum and version: creating one that exists returns it.
 */
public final class BlockSchemas {
  public static final String NOT_FOUND = "Block schema not found";
  static final String DEFAULT_VERSION = "non-versioned";

  private final Pool pool;

  BlockSchemas(Pool pool) {
    this.pool = pool;
  }

  /** A created (or found) schema: {@code created} false when one with its checksum and version existed. */
  public record Saved(FullSchema schema, boolean created) {}

  /**
   * NOT_FOUND when the block type is absent; CONFLICT when a nested block's type is not registered;
   * INVALID_INPUT when a nested block's definition is missing or a reference is malformed. Nothing
   * is written then.
   */
  public Future<Saved> create(BlockSchemaCreate c) {
    return pool.withTransaction(conn -> BlockStore.type(conn, c.blockTypeId()).compose(type -> {
      if (type == null) {
        return Future.failedFuture(OrchestrationException.notFound("Block type " + c.blockTypeId() + " not found."));
      }
      String checksum = SchemaFields.checksum(c.fields());
      return BlockStore.schemaByChecksum(conn, checksum, c.version()).compose(existing -> {
        if (existing != null) {
          return BlockReads.schema(conn, existing.id()).map(s -> new Saved(s, false));
        }
        return register(conn, c.fields(), c.blockTypeId(), c.capabilities(), c.version(), null)
            .compose(r -> BlockReads.schema(conn, r.id()).map(s -> new Saved(s, r.created())));
      });
    }));
  }

  record Registered(UUID id, boolean created) {}

  /** Stores one schema and, recursively, the schemas of its nested blocks (Prefect's create_block_schema). */
  Future<Registered> register(SqlClient conn, ObjectNode fields, UUID typeId, List<String> capabilities,
      String version, ObjectNode parentDefinitions) {
    SchemaFields.Prepared p = SchemaFields.prepare(fields, parentDefinitions);
    return BlockStore.schemaByChecksum(conn, p.checksum(), version).compose(existing -> {
      if (existing != null) {
        return Future.succeededFuture(new Registered(existing.id(), false));
      }
      return BlockStore.insertSchema(conn, Ids.uuid7(), p.checksum(), p.stored(), capabilities, version, typeId)
          .compose(inserted -> {
            if (inserted == null) {
              // another transaction registered it meanwhile (and its nested schemas with it)
              return BlockStore.schemaByChecksum(conn, p.checksum(), version)
                  .map(s -> new Registered(s.id(), false));
            }
            return nested(conn, inserted, p, SchemaFields.references(p.references()), 0)
                .map(x -> new Registered(inserted.id(), true));
          });
    });
  }

  private Future<Void> nested(SqlClient conn, BlockSchema parent, SchemaFields.Prepared p,
      List<SchemaFields.Reference> refs, int i) {
    if (i == refs.size()) {
      return Future.succeededFuture();
    }
    SchemaFields.Reference r = refs.get(i);
    String bad = SchemaFields.malformed(r);
    if (bad != null) {
      return Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT, bad));
    }
    return BlockStore.typeBySlug(conn, r.blockTypeSlug()).compose(type -> {
      if (type == null) {
        return Future.failedFuture(new OrchestrationException(OrchestrationFailure.CONFLICT,
            "Cannot create block schema because block type '" + r.blockTypeSlug()
                + "' was not found.Did you forget to register the block type?"));
      }
      return BlockStore.schemaByChecksum(conn, r.checksum(), null).compose(child -> {
        if (child != null) {
          return Future.succeededFuture(child.id());
        }
        if (p.definitions() == null) {
          return Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT,
              "Unable to create nested block schema due to missing definitions in root block schema fields"));
        }
        ObjectNode childFields = SchemaFields.childFields(p.definitions(), p.stored(), r.name(), type.slug());
        if (childFields == null) {
          return Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT,
              "Unable to create nested block schema for block type '" + type.name() + "' due to missing definition."));
        }
        return register(conn, childFields, type.id(), List.of(), DEFAULT_VERSION, p.definitions()).map(Registered::id);
      }).compose(childId -> BlockStore.insertSchemaReference(conn, Ids.uuid7(),
          new SchemaReference(parent.id(), r.name(), childId)));
    }).compose(x -> nested(conn, parent, p, refs, i + 1));
  }

  public Future<FullSchema> get(UUID id) {
    return found(BlockReads.schema(pool, id));
  }

  /** The newest schema with that checksum (and version, when given). */
  public Future<FullSchema> byChecksum(String checksum, String version) {
    return found(BlockStore.schemaByChecksum(pool, checksum, version)
        .compose(s -> s == null ? Future.succeededFuture(null) : BlockReads.schema(pool, s.id())));
  }

  private static Future<FullSchema> found(Future<FullSchema> f) {
    return f.compose(s -> s != null ? Future.succeededFuture(s) : Future.failedFuture(OrchestrationException.notFound(NOT_FOUND)));
  }

  /** Newest first. */
  public Future<List<FullSchema>> list(SchemaQuery q) {
    return BlockStore.schemaIds(pool, q.schemas(), q.limit(), q.offset()).compose(ids -> BlockReads.schemas(pool, ids));
  }

  /** NOT_FOUND when absent; FORBIDDEN for a schema of a protected type. Its documents go with it. */
  public Future<Void> delete(UUID id) {
    return pool.withTransaction(c -> BlockStore.schema(c, id).compose(s -> {
      if (s == null) {
        return Future.failedFuture(OrchestrationException.notFound(NOT_FOUND));
      }
      return BlockStore.type(c, s.blockTypeId()).compose(t -> {
        if (t != null && t.isProtected()) {
          return Future.failedFuture(BlockRefusal.forbidden("Block schemas for protected block types cannot be deleted."));
        }
        return BlockStore.deleteSchema(c, id).compose(x -> BlockStore.clearDanglingStorage(c, StorageDefaults.CONFIG_KEY));
      });
    }));
  }

  /** Every capability some schema declares, sorted. */
  public Future<List<String>> capabilities() {
    return BlockStore.capabilities(pool);
  }
}
