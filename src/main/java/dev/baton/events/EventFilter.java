package dev.baton.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.Event;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The part of Prefect's {@code EventFilter} Baton serves. Every criterion is optional (null = no
 * condition); lists match any of their values; all criteria must hold. The same filter drives
 * the SQL of {@code /events/filter} ({@code persistence.EventStore}) and the live matching of
 * {@code /events/out} ({@link #matchesLive}).
 *
 * @param since occurred ≥ since
 * @param until occurred ≤ until
 * @param untilGiven whether the client named {@code until} (live delivery ignores a defaulted one)
 * @param relatedInRoles pairs {@code [id, role]}: some related resource has that id in that role
 * @param descending newest first (Prefect's default order)
 */
public record EventFilter(
    Instant since,
    Instant until,
    boolean untilGiven,
    List<String> namePrefix,
    List<String> excludeNamePrefix,
    List<String> name,
    List<String> excludeName,
    List<String> resourceId,
    List<String> resourceIdPrefix,
    List<String> anyResourceId,
    List<String> anyResourceIdPrefix,
    List<String> relatedId,
    List<String> relatedRole,
    List<List<String>> relatedInRoles,
    List<UUID> ids,
    boolean descending) {

  /** The same filter with a pinned {@code until} (for stable paging). */
  public EventFilter withUntil(Instant u) {
    return new EventFilter(since, u, untilGiven, namePrefix, excludeNamePrefix, name, excludeName, resourceId,
        resourceIdPrefix, anyResourceId, anyResourceIdPrefix, relatedId, relatedRole, relatedInRoles, ids, descending);
  }

  /** Whether an event just recorded belongs to a live subscription with this filter. */
  public boolean matchesLive(Event e) {
    if (since != null && e.occurred().isBefore(since)) return false;
    if (untilGiven && until != null && e.occurred().isAfter(until)) return false;
    return matchesIgnoringTime(e);
  }

  boolean matchesIgnoringTime(Event e) {
    String ev = e.event();
    if (namePrefix != null && namePrefix.stream().noneMatch(ev::startsWith)) return false;
    if (excludeNamePrefix != null && excludeNamePrefix.stream().anyMatch(ev::startsWith)) return false;
    if (name != null && !name.contains(ev)) return false;
    if (excludeName != null && excludeName.contains(ev)) return false;
    String rid = e.resourceId();
    if (resourceId != null && !resourceId.contains(rid)) return false;
    if (resourceIdPrefix != null && resourceIdPrefix.stream().noneMatch(rid::startsWith)) return false;
    List<String> relIds = e.relatedIds();
    if (anyResourceId != null && !anyResourceId.contains(rid) && relIds.stream().noneMatch(anyResourceId::contains)) {
      return false;
    }
    if (anyResourceIdPrefix != null && anyResourceIdPrefix.stream().noneMatch(
        p -> rid.startsWith(p) || relIds.stream().anyMatch(r -> r.startsWith(p)))) {
      return false;
    }
    if (relatedId != null || relatedRole != null) {
      boolean found = false;
      for (JsonNode r : e.related()) {
        String id = r.path(Event.RESOURCE_ID).asText();
        String role = r.path(Event.RESOURCE_ROLE).asText();
        if ((relatedId == null || relatedId.contains(id)) && (relatedRole == null || relatedRole.contains(role))) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    if (relatedInRoles != null) {
      boolean found = false;
      for (JsonNode r : e.related()) {
        String id = r.path(Event.RESOURCE_ID).asText();
        String role = r.path(Event.RESOURCE_ROLE).asText();
        if (relatedInRoles.stream().anyMatch(p -> p.get(0).equals(id) && p.get(1).equals(role))) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return ids == null || ids.contains(e.id());
  }
}
