package dev.baton.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A flow (spec/api.md §2.7). {@code labels} is a JSON object. */
public record Flow(UUID id, Instant created, Instant updated, String name, List<String> tags, ObjectNode labels) {}
