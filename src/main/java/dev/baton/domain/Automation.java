package dev.baton.domain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An automation (spec/automations.md §1.1): a trigger tree and the actions to run when it fires, kept
 * as the validated, normalised JSON of {@code wire.AutomationBodies} (defaults filled, trigger ids
 * assigned by the server, durations in seconds). The JSON nodes are never mutated.
 */
public record Automation(UUID id, Instant created, Instant updated, String name, String description,
    boolean enabled, List<String> tags, ObjectNode trigger, ArrayNode actions, ArrayNode actionsOnTrigger,
    ArrayNode actionsOnResolve) {}
