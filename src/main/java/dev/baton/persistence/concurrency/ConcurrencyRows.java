package dev.baton.persistence.concurrency;

import dev.baton.domain.ConcurrencyLease;
import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.domain.TagLimitNames;
import dev.baton.persistence.Rows;
import dev.baton.persistence.SelectList;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The select lists of the concurrency tables and their row decoders, shared by every concurrency
 * store: v2 limits (effective counters computed in SQL at the moment of use, spec §1.1), leases and
 * legacy v1 rows. Each list is declared one column at a time ({@link SelectList}), so the
 * {@code LIMIT_*}, {@code LEASE_*} and {@code LEGACY_*} indexes cannot drift from the SQL
 * ({@code ConcurrencyRowIndexIT} checks them against PostgreSQL).
 */
final class ConcurrencyRows {
  private ConcurrencyRows() {}

  /** Seconds since the row's last update. */
  private static String age(String a) {
    return "extract(epoch FROM clock_timestamp() - " + a + ".updated)";
  }

  /** {@code max(0, active_slots − floor(decay × age))}. */
  static String effActive(String a) {
    return "greatest(0, " + a + ".active_slots - least(" + a + ".active_slots::float8, floor(" + a
        + ".slot_decay_per_second * " + age(a) + "))::int)";
  }

  /** {@code max(0, denied − floor(rate × age))}, rate = decay, or 1/clamp(avg occupancy, 0.1, W). */
  static String effDenied(String a) {
    String rate = "(CASE WHEN " + a + ".slot_decay_per_second > 0 THEN " + a + ".slot_decay_per_second"
        + " ELSE 1.0 / greatest(0.1, least(" + a + ".avg_slot_occupancy_seconds, CASE WHEN " + a
        + ".name LIKE '" + TagLimitNames.PREFIX + "%' THEN 10 ELSE 30 END)) END)";
    return "greatest(0, " + a + ".denied_slots - least(" + a + ".denied_slots::float8, floor(" + rate + " * "
        + age(a) + "))::int)";
  }

  /**
   * The limit columns of the table aliased {@code a} (effective counters computed): the one
   * definition of {@link #LIMIT_COLUMNS} and of the {@code LIMIT_*} indexes {@link #limitRow} decodes.
   */
  private static SelectList limitList(String a) {
    SelectList l = new SelectList();
    l.add(a + ".id");
    l.add(a + ".created");
    l.add(a + ".updated");
    l.add(a + ".active");
    l.add(a + ".name");
    l.add(a + ".\"limit\"");
    l.add(effActive(a) + " AS eff_active");
    l.add(effDenied(a) + " AS eff_denied");
    l.add(a + ".slot_decay_per_second");
    l.add(a + ".avg_slot_occupancy_seconds");
    return l;
  }

  static final SelectList LIMIT = limitList("c");
  /** The limit columns of {@code concurrency_limit_v2 c}. */
  static final String LIMIT_COLUMNS = LIMIT.sql();

  // LIMIT_<NAME> is the index of the column named <name>
  static final int LIMIT_ID = LIMIT.names().indexOf("id");
  static final int LIMIT_CREATED = LIMIT.names().indexOf("created");
  static final int LIMIT_UPDATED = LIMIT.names().indexOf("updated");
  static final int LIMIT_ACTIVE = LIMIT.names().indexOf("active");
  static final int LIMIT_NAME = LIMIT.names().indexOf("name");
  static final int LIMIT_LIMIT = LIMIT.names().indexOf("limit");
  static final int LIMIT_EFF_ACTIVE = LIMIT.names().indexOf("eff_active");
  static final int LIMIT_EFF_DENIED = LIMIT.names().indexOf("eff_denied");
  static final int LIMIT_SLOT_DECAY_PER_SECOND = LIMIT.names().indexOf("slot_decay_per_second");
  static final int LIMIT_AVG_SLOT_OCCUPANCY_SECONDS = LIMIT.names().indexOf("avg_slot_occupancy_seconds");

  /** A row of {@link #LIMIT_COLUMNS} (any statement selecting or returning exactly that list). */
  static ConcurrencyLimitV2 limitRow(Row r) {
    return new ConcurrencyLimitV2(r.getUUID(LIMIT_ID), Rows.instant(r, LIMIT_CREATED), Rows.instant(r, LIMIT_UPDATED),
        r.getBoolean(LIMIT_ACTIVE), r.getString(LIMIT_NAME), r.getInteger(LIMIT_LIMIT), r.getInteger(LIMIT_EFF_ACTIVE),
        r.getInteger(LIMIT_EFF_DENIED), r.getDouble(LIMIT_SLOT_DECAY_PER_SECOND),
        r.getDouble(LIMIT_AVG_SLOT_OCCUPANCY_SECONDS));
  }

  static final SelectList LEASE = new SelectList();

  // LEASE_<NAME> is the index of the column named <name>
  static final int LEASE_ID = LEASE.add("l.id");
  static final int LEASE_RESOURCE_IDS = LEASE.add("l.resource_ids");
  static final int LEASE_SLOTS = LEASE.add("l.slots");
  static final int LEASE_CREATED = LEASE.add("l.created");
  static final int LEASE_EXPIRES_AT = LEASE.add("CASE WHEN isfinite(l.expires_at) THEN l.expires_at END AS expires_at");
  static final int LEASE_HOLDER_TYPE = LEASE.add("l.holder_type");
  static final int LEASE_HOLDER_ID = LEASE.add("l.holder_id");

  /**
   * The lease columns of {@code concurrency_lease l}; {@code expires_at} is null for a lease that
   * never expires ('infinity' does not decode).
   */
  static final String LEASE_COLUMNS = LEASE.sql();

  /** A row of {@link #LEASE_COLUMNS}. */
  static ConcurrencyLease leaseRow(Row r) {
    UUID[] res = r.getArrayOfUUIDs(LEASE_RESOURCE_IDS);
    return new ConcurrencyLease(r.getUUID(LEASE_ID), res == null ? List.of() : List.of(res), r.getInteger(LEASE_SLOTS),
        Rows.instant(r, LEASE_CREATED), expiry(r), r.getString(LEASE_HOLDER_TYPE), r.getUUID(LEASE_HOLDER_ID));
  }

  /** A never-expiring lease ({@code expires_at} null in the select) is {@link Instant#MAX}. */
  private static Instant expiry(Row r) {
    Instant t = Rows.instant(r, LEASE_EXPIRES_AT);
    return t == null ? Instant.MAX : t;
  }

  static final SelectList LEGACY = new SelectList();

  // LEGACY_<NAME> is the index of the column named <name>
  static final int LEGACY_ID = LEGACY.add("v.id");
  static final int LEGACY_CREATED = LEGACY.add("v.created");
  static final int LEGACY_UPDATED = LEGACY.add("v.updated");
  static final int LEGACY_TAG = LEGACY.add("v.tag");
  static final int LEGACY_CONCURRENCY_LIMIT = LEGACY.add("v.concurrency_limit");
  static final int LEGACY_ACTIVE_SLOTS = LEGACY.add("v.active_slots");

  /** The legacy columns of {@code concurrency_limit v}. */
  static final String LEGACY_COLUMNS = LEGACY.sql();

  /** A row of {@link #LEGACY_COLUMNS}. */
  static LegacyRow legacyRow(Row r) {
    UUID[] slots = r.getArrayOfUUIDs(LEGACY_ACTIVE_SLOTS);
    return new LegacyRow(r.getUUID(LEGACY_ID), Rows.instant(r, LEGACY_CREATED), Rows.instant(r, LEGACY_UPDATED),
        r.getString(LEGACY_TAG), r.getInteger(LEGACY_CONCURRENCY_LIMIT), slots == null ? List.of() : List.of(slots));
  }

  /** Every row, decoded. */
  static <T> List<T> all(RowSet<Row> rows, Function<Row, T> f) {
    List<T> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(f.apply(r));
    }
    return out;
  }

  /** The ids as a {@code uuid[]} parameter. */
  static UUID[] arr(List<UUID> ids) {
    return ids.toArray(new UUID[0]);
  }

  /** The names as a {@code text[]} parameter. */
  static String[] texts(List<String> names) {
    return names.toArray(new String[0]);
  }
}
