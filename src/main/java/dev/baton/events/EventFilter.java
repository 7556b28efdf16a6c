package dev.baton.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.Event;
import java.time.Instant;
import java.util.List;
import dev.baton.filter.TextSearch;
import java.util.UUID;

/**
 * The part of Prefect's {@code EventFilter} Baton serves. Every criterion is optional (null = no
 * condition; an empty list is no condition either, as in Prefect); lists match any of their
 * values; all criteria must hold. {@code related} and {@code any_resource} may be lists of
 * filters, all of which must hold; each filter's criteria hold for one and the same resource. The
 * same filter drives the SQL of {@code /events/filter} ({@code persistence.EventStore}) and the
 * live matching of {@code /events/out} ({@link #matchesLive}).
 *
 * @param since occurred ≥ since
 * @param until occurred ≤ until
 * @param untilGiven whether the client named {@code until} (live delivery ignores a defaulted one)
 * @param anyResource {@code any_resource} filters: each holds for the primary or some related resource
 * @param related {@code related} filters: each holds for some related resource
 * @param text the text search (Prefect's EventTextFilter), or null
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
    List<ResourceCriteria> anyResource,
    List<RelatedCriteria> related,
    List<UUID> ids,
    TextSearch text,
    boolean descending) {

  /** {@code any_resource}: the resource's id is one of {@code id} and starts with one of {@code idPrefix}. */
  public record ResourceCriteria(List<String> id, List<String> idPrefix) {
    boolean matches(String rid) {
      return (id == null || id.contains(rid)) && (idPrefix == null || idPrefix.stream().anyMatch(rid::startsWith));
    }
  }

  /** {@code related}: a related resource with one of {@code id}, in one of {@code role}, one of the (id, role) pairs. */
  public record RelatedCriteria(List<String> id, List<String> role, List<List<String>> inRoles) {
    boolean matches(String rid, String rrole) {
      return (id == null || id.contains(rid)) && (role == null || role.contains(rrole))
          && (inRoles == null || inRoles.stream().anyMatch(p -> p.get(0).equals(rid) && p.get(1).equals(rrole)));
    }
  }

  public EventFilter {
    anyResource = anyResource == null ? List.of() : List.copyOf(anyResource);
    related = related == null ? List.of() : List.copyOf(related);
  }

  /** The same filter with a pinned {@code until} (for stable paging). */
  public EventFilter withUntil(Instant u) {
    return new EventFilter(since, u, untilGiven, namePrefix, excludeNamePrefix, name, excludeName, resourceId,
        resourceIdPrefix, anyResource, related, ids, text, descending);
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
    for (ResourceCriteria a : anyResource) {
      if (!a.matches(rid) && relIds.stream().noneMatch(a::matches)) return false;
    }
    for (RelatedCriteria c : related) {
      boolean found = false;
      for (JsonNode r : e.related()) {
        if (c.matches(r.path(Event.RESOURCE_ID).asText(), r.path(Event.RESOURCE_ROLE).asText())) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    if (text != null && !textMatches(e)) return false;
    return ids == null || ids.contains(e.id());
  }

  /**
   * The text search over the event's name, its resources' label values and its payload's JSON, in
   * lower case (Prefect's EventTextFilter; its live check reads the payload as Python prints it).
   */
  private boolean textMatches(Event e) {
    StringBuilder sb = new StringBuilder(e.event());
    e.resource().forEach(v -> sb.append(' ').append(v.asText()));
    e.related().forEach(r -> r.forEach(v -> sb.append(' ').append(v.asText())));
    sb.append(' ').append(e.payload().toString());
    String hay = sb.toString().toLowerCase(java.util.Locale.ROOT);
    java.util.function.Predicate<String> in = t -> hay.contains(t.toLowerCase(java.util.Locale.ROOT));
    if (!text.include().isEmpty() && text.include().stream().noneMatch(in)) return false;
    if (text.exclude().stream().anyMatch(in)) return false;
    return text.required().stream().allMatch(in);
  }
}
