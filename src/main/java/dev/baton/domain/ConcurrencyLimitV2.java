package dev.baton.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * A global ("v2") concurrency limit (spec/concurrency.md §1.1). {@code activeSlots} and
 * {@code deniedSlots} are the effective values at the time of reading (slot decay applied).
 */
public record ConcurrencyLimitV2(
    UUID id,
    Instant created,
    Instant updated,
    boolean active,
    String name,
    int limit,
    int activeSlots,
    int deniedSlots,
    double slotDecayPerSecond,
    double avgSlotOccupancySeconds) {}
