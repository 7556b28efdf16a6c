package dev.baton.persistence.concurrency;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A legacy v1 tag-limit row (spec/concurrency.md §1.2): its holders, task run ids, are stored with it. */
public record LegacyRow(UUID id, Instant created, Instant updated, String tag, int limit, List<UUID> activeSlots) {}
