package dev.baton.persistence.concurrency;

import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.domain.TagLimitNames;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/**
 * The v1 tag limit of a tag or id (spec/concurrency.md §4.1): the v2 {@code tag:} limit, or — when
 * there is none — the legacy v1 row, which a v2 limit of the same tag shadows.
 */
public final class TagLimitStore {
  private TagLimitStore() {}

  /** What stores a tag limit: the v2 limit, else the legacy row; both null when neither exists. */
  public record StoredTagLimit(ConcurrencyLimitV2 limit, LegacyRow legacy) {}

  /** By id ({@code tag} null) or by tag: the v2 {@code tag:} limit, else the legacy row. */
  public static Future<StoredTagLimit> find(SqlClient c, UUID id, String tag) {
    Future<ConcurrencyLimitV2> v2 = id != null ? LimitStore.get(c, id)
        : LimitStore.getByName(c, TagLimitNames.name(tag));
    return v2.compose(l -> {
      if (l != null && TagLimitNames.isTagLimit(l.name())) {
        return Future.succeededFuture(new StoredTagLimit(l, null));
      }
      return (id != null ? LegacyLimitStore.byId(c, id) : LegacyLimitStore.byTag(c, tag, false))
          .map(r -> new StoredTagLimit(null, r));
    });
  }
}
