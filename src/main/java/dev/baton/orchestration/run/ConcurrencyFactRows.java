package dev.baton.orchestration.run;

import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.domain.ConcurrencyLease;
import dev.baton.persistence.concurrency.ConcurrencyFactsStore;
import dev.baton.persistence.concurrency.LegacyRow;
import java.util.ArrayList;
import java.util.List;

/** The rows {@link ConcurrencyFactsStore} reads, as the engine's {@link ConcurrencyFacts}. */
public final class ConcurrencyFactRows {
  private ConcurrencyFactRows() {}

  /** A proposal's concurrency facts from its rows. */
  public static ConcurrencyFacts facts(ConcurrencyFactsStore.FactRows rows) {
    List<ConcurrencyFacts.Limit> tag = new ArrayList<>(rows.tagLimits().size());
    for (ConcurrencyLimitV2 l : rows.tagLimits()) {
      tag.add(limit(l));
    }
    List<ConcurrencyFacts.LegacyLimit> legacy = new ArrayList<>(rows.legacyLimits().size());
    for (LegacyRow v : rows.legacyLimits()) {
      legacy.add(new ConcurrencyFacts.LegacyLimit(v.id(), v.tag(), v.limit(), v.activeSlots()));
    }
    List<ConcurrencyFacts.Lease> leases = leases(rows.leases());
    ConcurrencyFactsStore.DeploymentRow d = rows.deployment();
    ConcurrencyFacts.Deployment deployment = d == null ? null
        : new ConcurrencyFacts.Deployment(d.id(), d.limit() == null ? null : limit(d.limit()), d.cancelNew(),
            d.gracePeriodSeconds());
    return new ConcurrencyFacts(tag, legacy, leases, deployment);
  }

  /** A limit as the concurrency rules see it (slot counts already decayed). */
  public static ConcurrencyFacts.Limit limit(ConcurrencyLimitV2 l) {
    return new ConcurrencyFacts.Limit(l.id(), l.name(), l.active(), l.limit(), l.activeSlots(), l.deniedSlots(),
        l.slotDecayPerSecond(), l.avgSlotOccupancySeconds());
  }

  /** Leases as the concurrency rules see them. */
  public static List<ConcurrencyFacts.Lease> leases(List<ConcurrencyLease> rows) {
    List<ConcurrencyFacts.Lease> leases = new ArrayList<>(rows.size());
    for (ConcurrencyLease l : rows) {
      leases.add(lease(l));
    }
    return leases;
  }

  static ConcurrencyFacts.Lease lease(ConcurrencyLease l) {
    return new ConcurrencyFacts.Lease(l.id(), l.resourceIds(), l.slots(), l.created(), l.expiresAt(), l.holderType(),
        l.holderId());
  }
}
