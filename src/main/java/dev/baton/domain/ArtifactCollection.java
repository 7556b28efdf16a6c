package dev.baton.domain;

/**
 * A key's collection: its own id and times, the key, and its latest version ({@code latest}; the
 * collection's type, description, data, metadata and runs are that version's).
 */
public record ArtifactCollection(java.util.UUID id, java.time.Instant created, java.time.Instant updated,
    Artifact latest) {}
