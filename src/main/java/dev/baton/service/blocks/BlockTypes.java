package dev.baton.service.blocks;

import dev.baton.domain.Blocks.BlockType;
import dev.baton.domain.Blocks.BlockTypeCreate;
import dev.baton.domain.Blocks.FullDocument;
import dev.baton.domain.Ids;
import dev.baton.filter.BlockFilters.DocumentFilter;
import dev.baton.filter.BlockFilters.DocumentSort;
import dev.baton.filter.BlockFilters.TypeQuery;
import dev.baton.filter.Filters.Op;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.BlockStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Block types: create, read (by id, by slug, filtered), update, delete, and their documents. */
public final class BlockTypes {
  public static final String NOT_FOUND = "Block type not found";
  static final String DOCUMENT_NOT_FOUND = "Block document not found";
  private static final List<String> UPDATABLE = List.of("logo_url", "documentation_url", "description", "code_example");

  private final Pool pool;
  private final BlockKeys keys;

  BlockTypes(Pool pool, BlockKeys keys) {
    this.pool = pool;
    this.keys = keys;
  }

  /**
   * A new type; FORBIDDEN for a name starting with "prefect" (any case), CONFLICT when the slug is
   * taken. Description and code example are stored HTML-escaped, as Prefect stores them.
   */
  public Future<BlockType> create(BlockTypeCreate c) {
    if (c.name().toLowerCase(Locale.ROOT).startsWith("prefect")) {
      return Future.failedFuture(BlockRefusal.forbidden("Block type names beginning with 'Prefect' are reserved."));
    }
    BlockType t = new BlockType(Ids.uuid7(), null, null, c.name(), c.slug(), c.logoUrl(), c.documentationUrl(),
        escape(c.description()), escape(c.codeExample()), false);
    return BlockStore.insertType(pool, t).compose(created -> created != null ? Future.succeededFuture(created)
        : Future.failedFuture(new OrchestrationException(OrchestrationFailure.CONFLICT,
            "Block type with name \"" + c.name() + "\" already exists")));
  }

  /** Python's {@code html.escape(s, quote=False)}. */
  static String escape(String s) {
    return s == null ? null : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Python's {@code html.unescape} for what {@link #escape} writes (and the quote entities). */
  static String unescape(String s) {
    return s == null ? null : s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&");
  }

  public Future<BlockType> get(UUID id) {
    return orNotFound(BlockStore.type(pool, id));
  }

  public Future<BlockType> bySlug(String slug) {
    return orNotFound(BlockStore.typeBySlug(pool, slug));
  }

  private static Future<BlockType> orNotFound(Future<BlockType> f) {
    return f.compose(t -> t != null ? Future.succeededFuture(t) : Future.failedFuture(OrchestrationException.notFound(NOT_FOUND)));
  }

  public Future<List<BlockType>> list(TypeQuery q) {
    return BlockStore.types(pool, q.types(), q.schemas(), q.limit(), q.offset());
  }

  /**
   * Sets the keys given. As Prefect (and its client) decide, nothing is written when every
   * updatable field is given and equal (HTML entities aside) to what is stored. NOT_FOUND when absent.
   */
  public Future<Void> update(UUID id, Map<String, String> present) {
    return pool.withTransaction(c -> BlockStore.typeLocked(c, id).compose(t -> {
      if (t == null) {
        return Future.failedFuture(OrchestrationException.notFound(NOT_FOUND));
      }
      if (!shouldUpdate(present, t)) {
        return Future.<Void>succeededFuture();
      }
      return BlockStore.updateType(c, id, present).mapEmpty();
    }));
  }

  /** Prefect's {@code _should_update_block_type}: the given fields against all the stored ones. */
  static boolean shouldUpdate(Map<String, String> present, BlockType t) {
    if (!present.keySet().containsAll(UPDATABLE)) {
      return true;
    }
    return !(Objects.equals(unescape(present.get("logo_url")), unescape(t.logoUrl()))
        && Objects.equals(unescape(present.get("documentation_url")), unescape(t.documentationUrl()))
        && Objects.equals(unescape(present.get("description")), unescape(t.description()))
        && Objects.equals(unescape(present.get("code_example")), unescape(t.codeExample())));
  }

  /** NOT_FOUND when absent; FORBIDDEN for a protected type. Its schemas and documents go with it. */
  public Future<Void> delete(UUID id) {
    return pool.withTransaction(c -> BlockStore.typeLocked(c, id).compose(t -> {
      if (t == null) {
        return Future.failedFuture(OrchestrationException.notFound(NOT_FOUND));
      }
      if (t.isProtected()) {
        return Future.failedFuture(BlockRefusal.forbidden("protected block types cannot be deleted."));
      }
      return BlockStore.deleteType(c, id)
          .compose(x -> BlockStore.clearDanglingStorage(c, StorageDefaults.CONFIG_KEY));
    }));
  }

  /** The type's documents (anonymous ones left out), by name; NOT_FOUND when the type is absent. */
  public Future<List<FullDocument>> documents(String slug, boolean includeSecrets) {
    return bySlug(slug).compose(t -> {
      DocumentFilter f = new DocumentFilter(Op.AND, false, null, true, false, true, List.of(t.id()), false, null, null);
      return BlockStore.documentIds(pool, f, null, null, DocumentSort.NAME_ASC, null, 0)
          .compose(ids -> BlockReads.documents(pool, keys, ids, includeSecrets));
    });
  }

  /** The document of that name (anonymous or not); NOT_FOUND "Block document not found" otherwise. */
  public Future<FullDocument> document(String slug, String name, boolean includeSecrets) {
    return BlockStore.documentIdByName(pool, slug, name)
        .compose(id -> id == null ? Future.succeededFuture(null) : BlockReads.document(pool, keys, id, includeSecrets))
        .compose(d -> d != null ? Future.succeededFuture(d)
            : Future.failedFuture(OrchestrationException.notFound(DOCUMENT_NOT_FOUND)));
  }
}
