package dev.baton.automations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * An automation's trigger tree, compiled from its stored JSON (validated and normalised by
 * {@code wire.AutomationBodies}): event triggers that match events, and compound or sequence
 * triggers over child triggers (spec/automations.md §1.2, §2.1).
 */
public final class Triggers {
  private Triggers() {}

  /** A trigger of the tree. */
  public sealed interface Trigger permits EventTrigger, CompositeTrigger {
    UUID id();

    /** This trigger and every trigger under it, depth first. */
    default List<Trigger> all() {
      List<Trigger> out = new ArrayList<>();
      collect(this, out);
      return out;
    }

    private static void collect(Trigger t, List<Trigger> out) {
      out.add(t);
      if (t instanceof CompositeTrigger c) {
        c.triggers().forEach(child -> collect(child, out));
      }
    }
  }

  /** Labels a resource must carry: label → patterns (any of them must match; an empty list never does). */
  public record ResourceSpec(Map<String, List<String>> labels) {
    boolean matches(JsonNode resource) {
      for (Map.Entry<String, List<String>> e : labels.entrySet()) {
        JsonNode v = resource.get(e.getKey());
        String value = v == null || v.isNull() ? null : v.asText();
        boolean any = false;
        for (String pattern : e.getValue()) {
          if (Glob.matchesLabel(pattern, value)) {
            any = true;
            break;
          }
        }
        if (!any) {
          return false;
        }
      }
      return true;
    }

    /** Empty: matches every resource; else at least one candidate must match. */
    boolean includes(Iterable<JsonNode> candidates) {
      if (labels.isEmpty()) {
        return true;
      }
      for (JsonNode c : candidates) {
        if (matches(c)) {
          return true;
        }
      }
      return false;
    }

    boolean matchesEverything() {
      return labels.isEmpty();
    }
  }

  /**
   * @param forEach the bucketing labels, sorted (the key is built in this order)
   * @param within the window; zero for "immediate" reactive triggers
   */
  public record EventTrigger(UUID id, ResourceSpec match, List<ResourceSpec> matchRelated, List<String> after,
      List<String> expect, List<String> forEach, boolean proactive, int threshold, Duration within,
      Covering covering) implements Trigger {

    public EventTrigger(UUID id, ResourceSpec match, List<ResourceSpec> matchRelated, List<String> after,
        List<String> expect, List<String> forEach, boolean proactive, int threshold, Duration within) {
      this(id, match, matchRelated, after, expect, forEach, proactive, threshold, within, covering(expect, after));
    }

    /** Could this trigger care about {@code e} at all (name, resource, related)? */
    public boolean covers(Event e) {
      return covers(e, List.of(e.resource()), relatedOf(e));
    }

    /** {@link #covers(Event)} with the event's resource and related resources as lists, made once per event. */
    public boolean covers(Event e, List<JsonNode> resource, List<JsonNode> related) {
      if (!expect.isEmpty() && !namePrefixMatches(e.event())) {
        return false;
      }
      if (!match.includes(resource)) {
        return false;
      }
      for (ResourceSpec r : matchRelated) {
        if (!r.includes(related)) {
          return false;
        }
      }
      return true;
    }

    /**
     * Prefect's covering pattern: the {@code expect ∪ after} globs with {@code *} as "one or more
     * characters", matched at the start of the name only.
     */
    private boolean namePrefixMatches(String name) {
      return covering.matchesStartOf(name);
    }

    static Covering covering(List<String> expect, List<String> after) {
      List<String> all = concat(expect, after);
      if (all.stream().noneMatch(p -> p.indexOf('*') >= 0)) {
        return new Covering(all.isEmpty() ? List.of("") : all, null); // literal names: a prefix test each
      }
      StringBuilder re = new StringBuilder();
      for (String p : concat(expect, after)) {
        if (re.length() > 0) {
          re.append('|');
        }
        String[] parts = p.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
          if (i > 0) {
            re.append(".+");
          }
          re.append(java.util.regex.Pattern.quote(parts[i]));
        }
      }
      return new Covering(null, java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.DOTALL));
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> out = new ArrayList<>(a);
      out.addAll(b);
      return out;
    }

    public boolean startsAfter(String name) {
      for (String p : after) {
        if (Glob.matchesLabel(p, name)) {
          return true;
        }
      }
      return false;
    }

    public boolean expects(String name) {
      if (expect.isEmpty()) {
        return true;
      }
      for (String p : expect) {
        if (Glob.matchesLabel(p, name)) {
          return true;
        }
      }
      return false;
    }

    /** Reactive with a zero window: fires for every matching event. */
    public boolean immediate() {
      return !proactive && within.isZero();
    }

    public boolean meetsThreshold(int count) {
      return proactive ? count < threshold : count >= threshold;
    }

    /** The bucketing key: the for_each label values in sorted label order, "" when missing. */
    public List<String> key(Event e) {
      List<String> key = new ArrayList<>(forEach.size());
      for (String label : forEach) {
        key.add(label(e, label));
      }
      return key;
    }

    /** {@code label} of the primary resource, or {@code related:<role>:<label>} of the first related resource in that role. */
    static String label(Event e, String label) {
      if (label.startsWith("related:")) {
        String[] parts = label.split(":", 3);
        if (parts.length == 3) {
          for (JsonNode r : e.related()) {
            if (parts[1].equals(r.path(Event.RESOURCE_ROLE).asText(null))) {
              JsonNode v = r.get(parts[2]);
              return v == null || v.isNull() ? "" : v.asText();
            }
          }
          return "";
        }
      }
      JsonNode v = e.resource().get(label);
      return v == null || v.isNull() ? "" : v.asText();
    }
  }

  /**
   * A compound ({@code sequence} false) or sequence trigger.
   *
   * @param required child firings needed (compound: "any" = 1, "all" = every child, or a number;
   *     sequence: every child, in order)
   * @param within how long child firings count; null = no horizon
   */
  public record CompositeTrigger(UUID id, boolean sequence, List<Trigger> triggers, int required, Duration within)
      implements Trigger {}

  /** Compiles a stored trigger tree. */
  public static Trigger compile(JsonNode t) {
    UUID id = UUID.fromString(t.get("id").asText());
    String type = t.path("type").asText("event");
    Duration within = t.hasNonNull("within") ? seconds(t.get("within").asDouble()) : null;
    if (type.equals("compound") || type.equals("sequence")) {
      List<Trigger> children = new ArrayList<>();
      t.get("triggers").forEach(c -> children.add(compile(c)));
      int required = children.size();
      if (type.equals("compound")) {
        JsonNode r = t.get("require");
        required = r.isNumber() ? r.asInt() : "any".equals(r.asText()) ? 1 : children.size();
      }
      return new CompositeTrigger(id, type.equals("sequence"), List.copyOf(children), required, within);
    }
    List<ResourceSpec> related = new ArrayList<>();
    JsonNode mr = t.path("match_related");
    if (mr.isArray()) {
      mr.forEach(s -> related.add(spec(s)));
    } else if (mr.isObject()) {
      related.add(spec(mr));
    }
    return new EventTrigger(id, spec(t.path("match")), List.copyOf(related), strings(t.path("after")),
        strings(t.path("expect")), List.copyOf(new TreeSet<>(strings(t.path("for_each")))),
        "Proactive".equals(t.path("posture").asText()), t.path("threshold").asInt(1),
        within == null ? Duration.ZERO : within);
  }

  static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1_000_000_000d));
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(v -> out.add(v.asText()));
    return List.copyOf(out);
  }

  private static ResourceSpec spec(JsonNode n) {
    Map<String, List<String>> labels = new LinkedHashMap<>();
    if (n != null && n.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        labels.put(e.getKey(), e.getValue().isArray() ? strings(e.getValue()) : List.of(e.getValue().asText()));
      }
    }
    return new ResourceSpec(Map.copyOf(labels));
  }

  /** Prefect's covering test: names that start with one of {@code prefixes}, or the {@code pattern}'s start. */
  record Covering(List<String> prefixes, java.util.regex.Pattern pattern) {
    boolean matchesStartOf(String name) {
      if (pattern != null) {
        return pattern.matcher(name).lookingAt();
      }
      for (String p : prefixes) {
        if (name.startsWith(p)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The related resources of {@code e} as a list. */
  static List<JsonNode> relatedOf(Event e) {
    List<JsonNode> related = new ArrayList<>();
    e.related().forEach(related::add);
    return related;
  }
}
