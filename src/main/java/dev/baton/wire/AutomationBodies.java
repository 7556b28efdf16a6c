package dev.baton.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The automation bodies of {@code /api/automations} (spec/automations.md §1): create, PUT, PATCH
 * and filter, validated as Prefect's server models validate them and normalised into the JSON the
 * server stores and answers — every default filled, every trigger id replaced by a fresh one,
 * durations in float seconds, the sets of {@code after}/{@code expect}/{@code for_each} deduplicated.
 *
 * <p>Triggers and actions are unions in Prefect, tried member by member; here the member is the one
 * their {@code type} names (an event trigger / do-nothing when absent), and a 422 reports that
 * member's errors under its class name ({@code ["body","trigger","EventTrigger","posture"]}). An
 * unknown type is one {@code literal_error} (docs/compatibility.md).
 */
public final class AutomationBodies {
  private AutomationBodies() {}

  static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** A decoded create or PUT body: the normalised fields, which of them were present, the owner. */
  public record Body(String name, String description, boolean enabled, List<String> tags, ObjectNode trigger,
      ArrayNode actions, ArrayNode actionsOnTrigger, ArrayNode actionsOnResolve, String ownerResource,
      Set<String> present) {}

  /** A filter request. */
  public record Filter(String op, List<String> nameAny, java.time.Instant createdBefore, List<String> tagsAll,
      List<String> tagsAny, Boolean tagsIsNull, String sort, int limit, int offset) {}

  /** The stored triggers are given fresh ids by the server; tests may replace the generator. */
  static Supplier<UUID> ids = UUID::randomUUID;

  // ---- durations ---------------------------------------------------------------------------

  /** A timedelta: seconds as a number, or an ISO-8601 duration; decoded to seconds. */
  static final Type<Double> DURATION = (n, c) -> {
    if (n.isNumber() && !n.isBoolean()) {
      return n.asDouble();
    }
    if (n.isTextual()) {
      String s = n.asText().trim();
      try {
        Duration d = Duration.parse(s.startsWith("P") || s.startsWith("-P") || s.startsWith("+P") ? s : "PT" + s + "S");
        return d.toNanos() / 1e9;
      } catch (DateTimeParseException | ArithmeticException e) {
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e2) {
          c.error("time_delta_parsing", "Input should be a valid timedelta, invalid digit in duration", n);
          return null;
        }
      }
    }
    c.error("time_delta_type", "Input should be a valid timedelta", n);
    return null;
  };

  static final Type<Double> NON_NEGATIVE_DURATION = DURATION.check(
      d -> d < 0 ? "Input should be greater than or equal to 0 seconds" : null);

  // ---- resource specifications -----------------------------------------------------------

  /** {@code {label: str | [str]}}, kept as given (a string stays a string). */
  static final Type<ObjectNode> SPEC = (n, c) -> {
    if (!n.isObject()) {
      c.error("dict_type", "Input should be a valid dictionary", n);
      return null;
    }
    ObjectNode out = F.objectNode();
    int mark = c.mark();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      c.push(e.getKey());
      if (v.isTextual()) {
        out.put(e.getKey(), v.asText());
      } else if (v.isArray()) {
        ArrayNode arr = out.putArray(e.getKey());
        for (int i = 0; i < v.size(); i++) {
          c.push(i);
          if (v.get(i).isTextual()) {
            arr.add(v.get(i).asText());
          } else {
            c.error("string_type", "Input should be a valid string", v.get(i));
          }
          c.pop();
        }
      } else {
        c.error("string_type", "Input should be a valid string", v);
      }
      c.pop();
    }
    return c.failedSince(mark) ? null : out;
  };

  /** {@code match_related}: one specification, or a list of them. */
  static final Type<JsonNode> SPECS = (n, c) -> {
    if (n.isArray()) {
      ArrayNode out = F.arrayNode();
      int mark = c.mark();
      for (int i = 0; i < n.size(); i++) {
        c.push(i);
        ObjectNode s = SPEC.decode(n.get(i), c);
        if (s != null) {
          out.add(s);
        }
        c.pop();
      }
      return c.failedSince(mark) ? null : out;
    }
    return SPEC.decode(n, c);
  };

  /** A set of strings, deduplicated in first-seen order. */
  static final Type<ArrayNode> STR_SET = Types.list(Types.STR).map(l -> {
    ArrayNode a = F.arrayNode();
    new LinkedHashSet<>(l).forEach(a::add);
    return a;
  });

  // ---- triggers ------------------------------------------------------------------------------

  private static final Set<String> TRIGGER_TYPES = Set.of("event", "compound", "sequence");

  /** A trigger of any kind, normalised, with a fresh id. */
  static final Type<ObjectNode> TRIGGER = (n, c) -> {
    if (!n.isObject()) {
      c.error("model_attributes_type", "Input should be a valid dictionary or object to extract fields from", n);
      return null;
    }
    String type = n.path("type").isTextual() ? n.get("type").asText() : n.has("type") ? null : "event";
    if (type == null || !TRIGGER_TYPES.contains(type)) {
      c.push("type").error("literal_error", "Input should be 'event', 'compound' or 'sequence'", n.get("type"),
          Ctx.ctx("expected", "'event', 'compound' or 'sequence'"));
      c.pop();
      return null;
    }
    return switch (type) {
      case "compound" -> composite(n, c, true);
      case "sequence" -> composite(n, c, false);
      default -> event(n, c);
    };
  };

  private static ObjectNode event(JsonNode n, Ctx c) {
    c.push("EventTrigger");
    try {
      int mark = c.mark();
      if (n.has("within") && n.get("within").isNull()) {
        c.valueError("`within` should be a valid timedelta", n);
        return null;
      }
      ObjectNode out = F.objectNode();
      out.put("type", "event");
      out.put("id", ids.get().toString());
      out.set("match", field(n, "match", SPEC, c, F.objectNode()));
      out.set("match_related", field(n, "match_related", SPECS, c, F.objectNode()));
      out.set("after", field(n, "after", STR_SET, c, F.arrayNode()));
      out.set("expect", field(n, "expect", STR_SET, c, F.arrayNode()));
      out.set("for_each", field(n, "for_each", STR_SET, c, F.arrayNode()));
      String posture = null;
      if (!n.has("posture")) {
        c.push("posture").missing(n);
        c.pop();
      } else {
        c.push("posture");
        JsonNode p = n.get("posture");
        if (p.isTextual() && (p.asText().equals("Reactive") || p.asText().equals("Proactive"))) {
          posture = p.asText();
        } else {
          c.error("literal_error", "Input should be <Posture.Reactive: 'Reactive'> or <Posture.Proactive: 'Proactive'>",
              p, Ctx.ctx("expected", "<Posture.Reactive: 'Reactive'> or <Posture.Proactive: 'Proactive'>"));
        }
        c.pop();
      }
      Long threshold = n.has("threshold") ? decode(n, "threshold", Types.INT, c) : Long.valueOf(1);
      Double within = n.has("within") ? decode(n, "within", NON_NEGATIVE_DURATION, c) : Double.valueOf(0);
      if (c.failedSince(mark)) {
        return null;
      }
      if ("Proactive".equals(posture)) {
        if (within == 0) {
          within = 10.0;
        } else if (within < 10) {
          c.valueError("`within` for Proactive triggers must be greater than or equal to 10 seconds", n);
          return null;
        }
      }
      out.put("posture", posture);
      out.put("threshold", threshold);
      out.put("within", within);
      return out;
    } finally {
      c.pop();
    }
  }

  private static ObjectNode composite(JsonNode n, Ctx c, boolean compound) {
    c.push(compound ? "CompoundTrigger" : "SequenceTrigger");
    try {
      int mark = c.mark();
      ObjectNode out = F.objectNode();
      out.put("type", compound ? "compound" : "sequence");
      out.put("id", ids.get().toString());
      ArrayNode triggers = F.arrayNode();
      if (!n.has("triggers")) {
        c.push("triggers").missing(n);
        c.pop();
      } else {
        c.push("triggers");
        JsonNode t = n.get("triggers");
        if (!t.isArray()) {
          c.error("list_type", "Input should be a valid list", t);
        } else {
          for (int i = 0; i < t.size(); i++) {
            c.push(i);
            ObjectNode child = TRIGGER.decode(t.get(i), c);
            if (child != null) {
              triggers.add(child);
            }
            c.pop();
          }
        }
        c.pop();
      }
      JsonNode require = null;
      if (compound) {
        if (!n.has("require")) {
          c.push("require").missing(n);
          c.pop();
        } else {
          JsonNode r = n.get("require");
          if (r.isIntegralNumber() || (r.isTextual() && (r.asText().equals("any") || r.asText().equals("all")))) {
            require = r;
          } else {
            c.push("require").error("literal_error", "Input should be 'any' or 'all'", r,
                Ctx.ctx("expected", "'any' or 'all'"));
            c.pop();
          }
        }
      }
      Double within = null;
      if (!n.has("within")) {
        c.push("within").missing(n);
        c.pop();
      } else if (!n.get("within").isNull()) {
        within = decode(n, "within", NON_NEGATIVE_DURATION, c);
      }
      if (c.failedSince(mark)) {
        return null;
      }
      if (compound && require.isIntegralNumber()) {
        if (require.asInt() < 1) {
          c.valueError("require must be at least 1", n);
          return null;
        }
        if (require.asInt() > triggers.size()) {
          c.valueError("require must be less than or equal to the number of triggers", n);
          return null;
        }
      }
      out.set("triggers", triggers);
      if (compound) {
        out.set("require", require);
      }
      if (within == null) {
        out.putNull("within");
      } else {
        out.put("within", within);
      }
      return out;
    } finally {
      c.pop();
    }
  }

  // ---- actions -------------------------------------------------------------------------------

  /** The action types the open-source server runs, with their class names (for error locations). */
  static final Map<String, String> ACTIONS = Map.ofEntries(Map.entry("do-nothing", "DoNothing"),
      Map.entry("run-deployment", "RunDeployment"), Map.entry("pause-deployment", "PauseDeployment"),
      Map.entry("resume-deployment", "ResumeDeployment"), Map.entry("cancel-flow-run", "CancelFlowRun"),
      Map.entry("delete-flow-run", "DeleteFlowRun"), Map.entry("change-flow-run-state", "ChangeFlowRunState"),
      Map.entry("pause-work-queue", "PauseWorkQueue"), Map.entry("resume-work-queue", "ResumeWorkQueue"),
      Map.entry("send-notification", "SendNotification"), Map.entry("call-webhook", "CallWebhook"),
      Map.entry("pause-automation", "PauseAutomation"), Map.entry("resume-automation", "ResumeAutomation"),
      Map.entry("suspend-flow-run", "SuspendFlowRun"), Map.entry("resume-flow-run", "ResumeFlowRun"),
      Map.entry("pause-work-pool", "PauseWorkPool"), Map.entry("resume-work-pool", "ResumeWorkPool"));

  static final List<String> ACTION_ORDER = List.of("do-nothing", "run-deployment", "pause-deployment",
      "resume-deployment", "cancel-flow-run", "delete-flow-run", "change-flow-run-state", "pause-work-queue",
      "resume-work-queue", "send-notification", "call-webhook", "pause-automation", "resume-automation",
      "suspend-flow-run", "resume-flow-run", "pause-work-pool", "resume-work-pool");

  private static final Set<String> STATE_TYPES = Set.of("SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED",
      "CANCELLED", "CRASHED", "PAUSED", "CANCELLING");

  /** Checks a Jinja template's syntax; returns the error text, or null. */
  public interface TemplateCheck {
    String error(String template);
  }

  /** An action, normalised: its type and every field with its default. */
  static Type<ObjectNode> action(TemplateCheck templates) {
    return (n, c) -> {
      if (!n.isObject()) {
        c.error("model_attributes_type", "Input should be a valid dictionary or object to extract fields from", n);
        return null;
      }
      String type = n.path("type").isTextual() ? n.get("type").asText() : n.has("type") ? null : "do-nothing";
      if (type == null || !ACTIONS.containsKey(type)) {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < ACTION_ORDER.size(); i++) {
          expected.append(i == 0 ? "" : i == ACTION_ORDER.size() - 1 ? " or " : ", ").append('\'')
              .append(ACTION_ORDER.get(i)).append('\'');
        }
        c.push("type").error("literal_error", "Input should be " + expected, n.get("type"),
            Ctx.ctx("expected", expected.toString()));
        c.pop();
        return null;
      }
      c.push(ACTIONS.get(type));
      try {
        return action(type, n, c, templates);
      } finally {
        c.pop();
      }
    };
  }

  private static ObjectNode action(String type, JsonNode n, Ctx c, TemplateCheck templates) {
    int mark = c.mark();
    ObjectNode out = F.objectNode();
    out.put("type", type);
    switch (type) {
      case "run-deployment" -> {
        selected(out, n, c, "deployment_id");
        JsonNode params = n.get("parameters");
        if (params == null || params.isNull()) {
          out.putNull("parameters");
        } else if (!params.isObject()) {
          c.push("parameters").error("dict_type", "Input should be a valid dictionary", params);
          c.pop();
        } else {
          out.set("parameters", params.deepCopy());
        }
        JsonNode jv = n.get("job_variables");
        if (jv == null || jv.isNull()) {
          out.putNull("job_variables");
        } else if (!jv.isObject()) {
          c.push("job_variables").error("dict_type", "Input should be a valid dictionary", jv);
          c.pop();
        } else {
          out.set("job_variables", jv.deepCopy());
        }
        Double after = n.has("schedule_after") ? decode(n, "schedule_after", NON_NEGATIVE_DURATION, c) : Double.valueOf(0);
        out.put("schedule_after", after == null ? 0 : after);
        if (!c.failedSince(mark) && params != null && params.isObject()) {
          String problem = parameterTemplates(params, templates);
          if (problem != null) {
            c.push("parameters").valueError(problem, params);
            c.pop();
          }
        }
      }
      case "pause-deployment", "resume-deployment" -> selected(out, n, c, "deployment_id");
      case "pause-work-queue", "resume-work-queue" -> selected(out, n, c, "work_queue_id");
      case "pause-work-pool", "resume-work-pool" -> selected(out, n, c, "work_pool_id");
      case "pause-automation", "resume-automation" -> selected(out, n, c, "automation_id");
      case "change-flow-run-state" -> {
        out.put("name", optString(n, "name", c));
        if (!n.has("state")) {
          c.push("state").missing(n);
          c.pop();
        } else if (!n.get("state").isTextual() || !STATE_TYPES.contains(n.get("state").asText())) {
          c.push("state").error("enum", "Input should be 'SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', "
              + "'CANCELLED', 'CRASHED', 'PAUSED' or 'CANCELLING'", n.get("state"));
          c.pop();
        } else {
          out.put("state", n.get("state").asText());
        }
        out.put("message", optString(n, "message", c));
        out.put("force", n.has("force") ? Boolean.TRUE.equals(decode(n, "force", Types.BOOL, c)) : false);
      }
      case "send-notification" -> {
        out.put("block_document_id", requiredUuid(n, "block_document_id", c));
        String subject = n.has("subject") ? decode(n, "subject", Types.STR, c) : "Prefect automated notification";
        out.put("subject", subject);
        String body = null;
        if (!n.has("body")) {
          c.push("body").missing(n);
          c.pop();
        } else {
          body = decode(n, "body", Types.STR, c);
          out.put("body", body);
        }
        template(subject, "subject", templates, c);
        template(body, "body", templates, c);
      }
      case "call-webhook" -> {
        out.put("block_document_id", requiredUuid(n, "block_document_id", c));
        JsonNode p = n.get("payload");
        String payload = p == null || p.isNull() ? "" : p.isTextual() ? p.asText() : Json.pretty(p);
        out.put("payload", payload);
        template(payload, "payload", templates, c);
      }
      default -> { } // do-nothing, cancel/delete/suspend/resume-flow-run: no fields
    }
    return c.failedSince(mark) ? null : out;
  }

  /** The source/id rule of the *-deployment, *-work-queue, *-work-pool and *-automation actions. */
  private static void selected(ObjectNode out, JsonNode n, Ctx c, String idField) {
    String source = "selected";
    if (n.has("source")) {
      JsonNode s = n.get("source");
      if (s.isTextual() && (s.asText().equals("selected") || s.asText().equals("inferred"))) {
        source = s.asText();
      } else {
        c.push("source").error("literal_error", "Input should be 'selected' or 'inferred'", s,
            Ctx.ctx("expected", "'selected' or 'inferred'"));
        c.pop();
        return;
      }
    }
    UUID id = null;
    if (n.has(idField) && !n.get(idField).isNull()) {
      id = decode(n, idField, Types.UUID_T, c);
    }
    out.put("source", source);
    if (id == null) {
      out.putNull(idField);
    } else {
      out.put(idField, id.toString());
    }
    if ("selected".equals(source) != (id != null)) {
      c.valueError(idField + " is " + (id != null ? "not allowed" : "required"), n);
    }
  }

  private static String optString(JsonNode n, String key, Ctx c) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? null : decode(n, key, Types.STR, c);
  }

  private static String requiredUuid(JsonNode n, String key, Ctx c) {
    if (!n.has(key)) {
      c.push(key).missing(n);
      c.pop();
      return null;
    }
    UUID id = decode(n, key, Types.UUID_T, c);
    return id == null ? null : id.toString();
  }

  private static void template(String value, String field, TemplateCheck templates, Ctx c) {
    if (value == null || value.isEmpty()) {
      return;
    }
    String err = templates.error(value);
    if (err != null) {
      c.push(field).valueError("'" + field + "' is not a valid template: " + err, F.textNode(value));
      c.pop();
    }
  }

  /** The first template string among run-deployment parameters that does not parse, as Prefect words it. */
  private static String parameterTemplates(JsonNode params, TemplateCheck templates) {
    List<String> problems = new ArrayList<>();
    collectTemplateProblems(params, "", templates, problems);
    return problems.isEmpty() ? null : "Invalid parameters: \n" + String.join("\n  ", problems);
  }

  private static void collectTemplateProblems(JsonNode n, String path, TemplateCheck templates, List<String> out) {
    if (n.isObject()) {
      if ("jinja".equals(n.path("__prefect_kind").asText(null)) && n.path("template").isTextual()) {
        String err = templates.error(n.get("template").asText());
        if (err != null) {
          out.add((path.isEmpty() ? "" : path + ":") + " Invalid jinja: " + err);
        }
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        collectTemplateProblems(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), templates, out);
      }
    } else if (n.isTextual() && (n.asText().contains("{{") || n.asText().contains("{%"))) {
      String err = templates.error(n.asText());
      if (err != null) {
        out.add((path.isEmpty() ? "" : path + ":") + " Invalid jinja: " + err);
      }
    }
  }

  // ---- bodies --------------------------------------------------------------------------------

  private static final Set<String> CORE_FIELDS = Set.of("name", "description", "enabled", "tags", "trigger", "actions",
      "actions_on_trigger", "actions_on_resolve");

  /** {@code POST /automations/} ({@code owner} true) or {@code PUT /automations/{id}}: extra keys forbidden. */
  public static Decoded<Body> body(JsonNode n, boolean create, TemplateCheck templates) {
    Ctx c = new Ctx("body");
    if (n == null || n.isNull() || n.isMissingNode()) {
      c.missing(F.nullNode());
      return Decoded.invalid(c.errors());
    }
    if (!n.isObject()) {
      c.error("model_attributes_type", "Input should be a valid dictionary or object to extract fields from", n);
      return Decoded.invalid(c.errors());
    }
    Set<String> present = new LinkedHashSet<>();
    n.fieldNames().forEachRemaining(present::add);
    String name = required(n, "name", Types.STR, c);
    String description = n.has("description") ? decode(n, "description", Types.STR, c) : "";
    Boolean enabled = n.has("enabled") ? decode(n, "enabled", Types.BOOL, c) : Boolean.TRUE;
    List<String> tags = n.has("tags") ? decode(n, "tags", Types.STR_LIST, c) : List.of();
    ObjectNode trigger = required(n, "trigger", TRIGGER, c);
    Type<List<ObjectNode>> actions = Types.list(action(templates));
    ArrayNode acts = array(required(n, "actions", actions, c));
    ArrayNode onTrigger = array(n.has("actions_on_trigger") ? decode(n, "actions_on_trigger", actions, c) : List.of());
    ArrayNode onResolve = array(n.has("actions_on_resolve") ? decode(n, "actions_on_resolve", actions, c) : List.of());
    String owner = null;
    if (create && n.has("owner_resource") && !n.get("owner_resource").isNull()) {
      owner = decode(n, "owner_resource", Types.STR, c);
    }
    Predicate<String> allowed = create ? k -> CORE_FIELDS.contains(k) || k.equals("owner_resource") : CORE_FIELDS::contains;
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!allowed.test(e.getKey())) {
        c.push(e.getKey()).error("extra_forbidden", "Extra inputs are not permitted", e.getValue());
        c.pop();
      }
    }
    if (!c.ok()) {
      return Decoded.invalid(c.errors());
    }
    String loop = loopGuard(Boolean.TRUE.equals(enabled), trigger, acts);
    if (loop != null) {
      Ctx lc = new Ctx("body");
      lc.valueError(loop, n);
      return Decoded.invalid(lc.errors());
    }
    return Decoded.ok(new Body(name, description, enabled, tags, trigger, acts, onTrigger, onResolve, owner, present));
  }

  /** {@code PATCH /automations/{id}}: {@code {"enabled": bool}} only (absent: unchanged). */
  public static Decoded<Boolean> patch(JsonNode n) {
    Ctx c = new Ctx("body");
    if (n == null || !n.isObject()) {
      c.error("model_attributes_type", "Input should be a valid dictionary or object to extract fields from", n);
      return Decoded.invalid(c.errors());
    }
    Boolean enabled = n.has("enabled") ? decode(n, "enabled", Types.BOOL, c) : null;
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("enabled")) {
        c.push(k).error("extra_forbidden", "Extra inputs are not permitted", n.get(k));
        c.pop();
      }
    }
    return c.ok() ? Decoded.ok(enabled) : Decoded.invalid(c.errors());
  }

  /**
   * Prefect's run-deployment loop guard (spec §1.5): an enabled automation whose root is a reactive
   * event trigger expecting flow runs to be scheduled, pending or running, and that runs a
   * deployment inferred from that event (or any flow run's deployment), would run forever.
   */
  public static String loopGuard(boolean enabled, ObjectNode trigger, ArrayNode actions) {
    if (!enabled || !"event".equals(trigger.path("type").asText()) || !"Reactive".equals(trigger.path("posture").asText())) {
      return null;
    }
    boolean risky = false;
    for (JsonNode e : trigger.path("expect")) {
      String s = e.asText();
      if (s.equals("prefect.flow-run.Scheduled") || s.equals("prefect.flow-run.Pending")
          || s.equals("prefect.flow-run.Running") || s.equals("prefect.flow-run.*")) {
        risky = true;
      }
    }
    if (!risky) {
      return null;
    }
    for (JsonNode a : actions) {
      if (!"run-deployment".equals(a.path("type").asText())) {
        continue;
      }
      if ("inferred".equals(a.path("source").asText())) {
        return "Running an inferred deployment from a flow run state change event will lead to an infinite loop "
            + "of flow runs.";
      }
      if (unrestrictive(trigger.path("match")) && relatedUnrestrictive(trigger.path("match_related"))) {
        return "Running a selected deployment from a flow run state change event may lead to an infinite loop of "
            + "flow runs.";
      }
    }
    return null;
  }

  private static boolean unrestrictive(JsonNode spec) {
    if (spec == null || spec.isMissingNode() || spec.isEmpty()) {
      return true;
    }
    if (spec.size() == 1 && spec.has("prefect.resource.id")) {
      JsonNode v = spec.get("prefect.resource.id");
      if (v.isTextual()) {
        return v.asText().equals("prefect.flow-run.*");
      }
      for (JsonNode x : v) {
        if (x.asText().equals("prefect.flow-run.*")) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean relatedUnrestrictive(JsonNode related) {
    if (related.isArray()) {
      if (related.isEmpty()) {
        return true;
      }
      for (JsonNode s : related) {
        if (unrestrictive(s)) {
          return true;
        }
      }
      return false;
    }
    return unrestrictive(related);
  }

  private static final Set<String> SORTS = Set.of("NAME_ASC", "NAME_DESC", "CREATED_DESC", "UPDATED_DESC");

  /** {@code POST /automations/filter}: {@code {sort, limit, offset, automations}}, all optional. */
  public static Decoded<Filter> filter(JsonNode n, int maxLimit) {
    Ctx c = new Ctx("body");
    if (n == null || n.isNull() || n.isMissingNode()) {
      n = F.objectNode();
    }
    if (!n.isObject()) {
      c.error("model_attributes_type", "Input should be a valid dictionary or object to extract fields from", n);
      return Decoded.invalid(c.errors());
    }
    JsonNode l = n.get("limit");
    int limit = maxLimit;
    if (l != null && !l.isNull()) {
      Long v = decode(n, "limit", Types.INT, c);
      if (v != null) {
        if (v > maxLimit) {
          return Decoded.detail("Invalid limit: must be less than or equal to " + maxLimit + ".");
        }
        if (v < 0) {
          return Decoded.detail("Invalid limit: must be greater than or equal to 0.");
        }
        limit = v.intValue();
      }
    }
    Long offset = n.has("offset") && !n.get("offset").isNull() ? decode(n, "offset", Types.range(Types.INT, 0, null), c)
        : Long.valueOf(0);
    String sort = "NAME_ASC";
    if (n.has("sort") && !n.get("sort").isNull()) {
      String s = decode(n, "sort", Types.STR, c);
      if (s != null && !SORTS.contains(s)) {
        c.push("sort").error("enum", "Input should be 'NAME_ASC', 'NAME_DESC', 'CREATED_DESC' or 'UPDATED_DESC'",
            n.get("sort"));
        c.pop();
      } else if (s != null) {
        sort = s;
      }
    }
    String op = "and_";
    List<String> nameAny = null;
    java.time.Instant before = null;
    List<String> tagsAll = null;
    List<String> tagsAny = null;
    Boolean tagsNull = null;
    JsonNode a = n.get("automations");
    if (a != null && !a.isNull()) {
      c.push("automations");
      if (!a.isObject()) {
        c.error("model_attributes_type", "Input should be a valid dictionary or object to extract fields from", a);
      } else {
        for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          if (!Set.of("operator", "name", "created", "tags").contains(k)) {
            c.push(k).error("extra_forbidden", "Extra inputs are not permitted", a.get(k));
            c.pop();
          }
        }
        if (a.hasNonNull("operator")) {
          String o = decode(a, "operator", Types.literal("and_", "or_"), c);
          op = o == null ? op : o;
        }
        if (a.hasNonNull("name")) {
          c.push("name");
          nameAny = a.get("name").hasNonNull("any_") ? decode(a.get("name"), "any_", Types.STR_LIST, c) : null;
          c.pop();
        }
        if (a.hasNonNull("created")) {
          c.push("created");
          before = a.get("created").hasNonNull("before_") ? decode(a.get("created"), "before_", Types.DATETIME, c) : null;
          c.pop();
        }
        if (a.hasNonNull("tags")) {
          c.push("tags");
          JsonNode t = a.get("tags");
          tagsAll = t.hasNonNull("all_") ? decode(t, "all_", Types.STR_LIST, c) : null;
          tagsAny = t.hasNonNull("any_") ? decode(t, "any_", Types.STR_LIST, c) : null;
          tagsNull = t.hasNonNull("is_null_") ? decode(t, "is_null_", Types.BOOL, c) : null;
          c.pop();
        }
      }
      c.pop();
    }
    return c.ok() ? Decoded.ok(new Filter(op, nameAny, before, tagsAll, tagsAny, tagsNull, sort, limit,
        offset == null ? 0 : offset.intValue())) : Decoded.invalid(c.errors());
  }

  // ---- helpers ---------------------------------------------------------------------------

  private static <V> V decode(JsonNode parent, String key, Type<V> type, Ctx c) {
    c.push(key);
    try {
      return type.decode(parent.get(key), c);
    } finally {
      c.pop();
    }
  }

  private static <V> V required(JsonNode parent, String key, Type<V> type, Ctx c) {
    if (!parent.has(key)) {
      c.push(key).missing(parent);
      c.pop();
      return null;
    }
    return decode(parent, key, type, c);
  }

  private static <V extends JsonNode> V field(JsonNode parent, String key, Type<V> type, Ctx c, V dflt) {
    if (!parent.has(key) || parent.get(key).isNull()) {
      return dflt;
    }
    V v = decode(parent, key, type, c);
    return v == null ? dflt : v;
  }

  private static ArrayNode array(List<ObjectNode> items) {
    ArrayNode a = F.arrayNode();
    if (items != null) {
      items.forEach(a::add);
    }
    return a;
  }
}
