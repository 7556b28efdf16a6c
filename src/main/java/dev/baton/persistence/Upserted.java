package dev.baton.persistence;

/** The result of an insert-or-get: the row (or its id) and whether this call created it. */
public record Upserted<T>(T value, boolean created) {}
