package dev.baton.domain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A Prefect event as received (Prefect's {@code ReceivedEvent}): validated, with the time Baton
 * received it. {@code resource} is a label object with a non-empty {@code prefect.resource.id};
 * {@code related} an array of such objects, each also with a {@code prefect.resource.role}.
 * The JSON nodes are never mutated after construction.
 */
public record Event(UUID id, Instant occurred, String event, ObjectNode resource, ArrayNode related,
    ObjectNode payload, UUID follows, Instant received) {

  public static final String RESOURCE_ID = "prefect.resource.id";
  public static final String RESOURCE_ROLE = "prefect.resource.role";

  public String resourceId() {
    return resource.get(RESOURCE_ID).asText();
  }

  /** The ids of the related resources, in order. */
  public List<String> relatedIds() {
    java.util.ArrayList<String> ids = new java.util.ArrayList<>(related.size());
    related.forEach(r -> ids.add(r.get(RESOURCE_ID).asText()));
    return ids;
  }

  /** The id of the first related resource in {@code role}, or null. */
  public String relatedIdInRole(String role) {
    for (var r : related) {
      if (role.equals(r.path(RESOURCE_ROLE).asText(null))) {
        return r.get(RESOURCE_ID).asText();
      }
    }
    return null;
  }
}
