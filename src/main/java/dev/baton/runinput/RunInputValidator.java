package dev.baton.runinput;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Format;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.resource.AllowSchemaLoader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validation of a hydrated run input against the stored JSON Schema (resume.md §5): Prefect's
 * pre-processing pass, then JSON Schema draft 2020-12 with format assertions (networknt), remote
 * {@code $ref}s never fetched. The single best-match error is chosen and worded as Python's
 * jsonschema does ({@code best_match}, messages with Python reprs).
 */
public final class RunInputValidator {
  private RunInputValidator() {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  public static final String CIRCULAR = "Unable to validate schema with circular references.";

  /** The outcome of {@link #validate}. */
  public sealed interface Result permits Valid, Invalid, InvalidSchema {
    /** The REJECT reason for the resume endpoint, or null when valid. */
    String reason();
  }

  public record Valid() implements Result {
    @Override
    public String reason() {
      return null;
    }
  }

  /** A validation failure; {@code message} is e.g. {@code Validation failed. Failure reason: …}. */
  public record Invalid(String message) implements Result {
    @Override
    public String reason() {
      return "Reason: " + message;
    }
  }

  /** An unusable schema (circular references, not a schema); {@code message} follows "Invalid schema: ". */
  public record InvalidSchema(String message) implements Result {
    @Override
    public String reason() {
      return "Invalid schema: " + message;
    }
  }

  // ---- networknt setup -------------------------------------------------------------------------

  private static final String META_IRI = "https://json-schema.org/draft/2020-12/schema";

  /** Python's jsonschema checks "email" and "idn-email" only for an "@". */
  private record AtSignFormat(String name) implements Format {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean matches(ExecutionContext executionContext, String value) {
      return value.indexOf('@') >= 0;
    }
  }

  private static final JsonMetaSchema DIALECT = JsonMetaSchema.builder(META_IRI, JsonMetaSchema.getV202012())
      .format(new AtSignFormat("email"))
      .format(new AtSignFormat("idn-email"))
      .build();

  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
      b -> b.metaSchema(DIALECT)
          .defaultMetaSchemaIri(META_IRI)
          .schemaLoaders(l -> l.add(new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:draft/")))));

  private static SchemaValidatorsConfig config(boolean formats) {
    return SchemaValidatorsConfig.builder()
        .formatAssertionsEnabled(formats)
        .pathType(PathType.JSON_PATH)
        .regularExpressionFactory(SafeRegex::compile)
        .build();
  }

  private static final SchemaValidatorsConfig CONFIG = config(true);
  private static final SchemaValidatorsConfig CONFIG_NO_FORMATS = config(false);

  private static final JsonSchema META = FACTORY.getSchema(SchemaLocation.of(META_IRI), CONFIG);

  static {
    META.initializeValidators();
  }

  /** Regex via RE2 (linear time) when the pattern allows; otherwise JDK regex with a time budget. */
  static final class SafeRegex {
    static RegularExpression compile(String regex) {
      try {
        com.google.re2j.Pattern p = com.google.re2j.Pattern.compile(regex);
        return value -> p.matcher(value).find();
      } catch (RuntimeException e) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        return value -> p.matcher(new Deadline(value, System.nanoTime() + 200_000_000L)).find();
      }
    }
  }

  private record Deadline(CharSequence s, long until) implements CharSequence {
    @Override
    public char charAt(int index) {
      if (System.nanoTime() > until) throw new JsonSchemaException("Regular expression took too long");
      return s.charAt(index);
    }

    @Override
    public int length() {
      return s.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Deadline(s.subSequence(start, end), until);
    }

    @Override
    public String toString() {
      return s.toString();
    }
  }

  // ---- entry point ---------------------------------------------------------------------------

  /** Validates {@code instance} (the hydrated input) against the parsed stored {@code schema}, formats asserted. */
  public static Result validate(JsonNode instance, JsonNode schema) {
    return validate(instance, schema, true);
  }

  /**
   * @param checkFormats assert {@code format} (resume.md §5). Note: Prefect's resume path calls
   *     {@code jsonschema.validate} without a format checker, so Prefect itself does not assert formats.
   */
  public static Result validate(JsonNode instance, JsonNode schema, boolean checkFormats) {
    if (!schema.isObject()) {
      return new InvalidSchema(PyRepr.repr(schema) + " is not of type 'object'");
    }
    ObjectNode pre = preprocess((ObjectNode) schema);
    pre.remove("$schema"); // Prefect always validates as 2020-12, whatever the schema declares
    List<ValidationMessage> meta;
    try {
      meta = new ArrayList<>(META.validate(pre));
    } catch (JsonSchemaException e) {
      meta = List.of();
    }
    if (!meta.isEmpty()) {
      PyError best = bestMatch(errors(meta, null, pre));
      return new InvalidSchema(best.message);
    }
    try {
      new Cycles(pre).check(pre, instance);
    } catch (Cycles.Circular e) {
      return new InvalidSchema(CIRCULAR);
    }
    List<ValidationMessage> messages;
    try {
      JsonSchema js = FACTORY.getSchema(SchemaLocation.of("urn:baton:run-input-schema"), pre,
          checkFormats ? CONFIG : CONFIG_NO_FORMATS);
      messages = new ArrayList<>(js.validate(instance));
    } catch (StackOverflowError e) {
      return new InvalidSchema(CIRCULAR);
    } catch (JsonSchemaException e) {
      return new Invalid("Validation failed. Failure reason: " + unresolvable(e));
    }
    if (messages.isEmpty()) return new Valid();
    PyError best = bestMatch(errors(messages, pre, instance));
    String field = jsonPath(best.path);
    String head = field.equals("$") ? "Validation failed." : "Validation failed for field "
        + PyRepr.repr(field.replace("$.", "")) + ".";
    return new Invalid(head + " Failure reason: " + best.message);
  }

  private static String unresolvable(JsonSchemaException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    return "Unresolvable: " + m.replaceFirst("^\\S*: ", "");
  }

  private static final java.util.regex.Pattern SIMPLE_KEY = java.util.regex.Pattern.compile("[a-zA-Z][a-zA-Z0-9_]*");

  /** jsonschema's {@code ValidationError.json_path}. */
  static String jsonPath(List<Object> path) {
    StringBuilder sb = new StringBuilder("$");
    for (Object p : path) {
      if (p instanceof Integer i) {
        sb.append('[').append(i).append(']');
      } else if (SIMPLE_KEY.matcher(String.valueOf(p)).matches()) {
        sb.append('.').append(p);
      } else {
        sb.append("['").append(String.valueOf(p).replace("\\", "\\\\").replace("'", "\\'")).append("']");
      }
    }
    return sb.toString();
  }

  // ---- pre-processing (Prefect's preprocess_schema) ---------------------------------------------

  /** A deep copy of {@code schema} with Prefect's fixes applied (see class doc of resume.md §5). */
  public static ObjectNode preprocess(ObjectNode schema) {
    ObjectNode s = schema.deepCopy();
    if (s.get("properties") instanceof ObjectNode props) {
      processProperties(props, s.get("required"));
    }
    for (String key : new String[] {"definitions", "$defs"}) {
      if (!(s.get(key) instanceof ObjectNode defs)) continue;
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
      defs.fields().forEachRemaining(entries::add);
      for (Map.Entry<String, JsonNode> e : entries) {
        if (!(e.getValue() instanceof ObjectNode def)) continue;
        if (def.get("properties") instanceof ObjectNode props) {
          processProperties(props, def.get("required"));
        }
        if (def.has("block_type_slug")) {
          JsonNode title = def.get("title");
          String name = title != null && title.isTextual() ? title.textValue() : e.getKey();
          ObjectNode alt = F.objectNode().put("type", "object");
          ArrayNode refKinds = alt.putObject("properties").putObject("$ref").putArray("oneOf");
          refKinds.addObject().put("type", "string").put("format", "uuid");
          refKinds.addObject().put("type", "object");
          alt.putArray("required").add("$ref");
          ObjectNode wrapped = F.objectNode();
          wrapped.putArray("oneOf").add(def).add(alt);
          defs.set(name, wrapped);
        }
      }
    }
    return s;
  }

  private static boolean contains(JsonNode required, String key) {
    if (required == null || !required.isArray()) return false;
    for (JsonNode r : required) {
      if (r.isTextual() && r.textValue().equals(key)) return true;
    }
    return false;
  }

  private static void processProperties(ObjectNode props, JsonNode required) {
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!(e.getValue() instanceof ObjectNode sub)) continue;
      JsonNode type = sub.get("type");
      if (!contains(required, e.getKey()) && type != null && !(type.isTextual() && type.textValue().equals("null"))
          && !sub.has("default")) {
        ArrayNode any = F.arrayNode();
        any.addObject().set("type", type);
        any.addObject().put("type", "null");
        sub.set("anyOf", any);
        sub.remove("type");
      }
      JsonNode items = sub.get("items");
      JsonNode prefix = sub.get("prefixItems");
      if (items != null && items.isArray() && !items.isEmpty() && !truthy(prefix)) {
        sub.set("prefixItems", items.deepCopy());
        sub.remove("items");
      }
      if (sub.get("properties") instanceof ObjectNode nested) {
        // as in Prefect, the nested object's `required` also applies to the following siblings
        required = sub.get("required");
        processProperties(nested, required);
      }
    }
  }

  private static boolean truthy(JsonNode n) {
    if (n == null || n.isNull()) return false;
    if (n.isContainerNode()) return !n.isEmpty();
    if (n.isTextual()) return !n.textValue().isEmpty();
    if (n.isBoolean()) return n.booleanValue();
    if (n.isNumber()) return n.doubleValue() != 0;
    return true;
  }

  // ---- circular $ref detection ---------------------------------------------------------------

  /**
   * Finds a {@code $ref} cycle that validation of this instance would enter without consuming any
   * of the instance (where Python's validator hits its recursion limit). Recursive schemas that
   * descend into the instance (trees) are fine.
   */
  static final class Cycles {
    static final class Circular extends Exception {
      Circular() {
        super(null, null, false, false);
      }
    }

    private final JsonNode root;
    private final Set<JsonNode> chain = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<JsonNode, Set<JsonNode>> done = new IdentityHashMap<>();

    Cycles(JsonNode root) {
      this.root = root;
    }

    void check(JsonNode schema, JsonNode instance) throws Circular {
      if (schema == null || !schema.isObject()) return;
      Set<JsonNode> seen = done.computeIfAbsent(schema, k -> Collections.newSetFromMap(new IdentityHashMap<>()));
      if (seen.contains(instance)) return;
      if (!chain.add(schema)) throw new Circular();
      try {
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual()) check(resolve(root, ref.textValue()), instance);
        for (String k : new String[] {"allOf", "anyOf", "oneOf"}) {
          JsonNode l = schema.get(k);
          if (l != null && l.isArray()) {
            for (JsonNode sub : l) check(sub, instance);
          }
        }
        for (String k : new String[] {"not", "if", "then", "else"}) check(schema.get(k), instance);
        JsonNode dep = schema.get("dependentSchemas");
        if (dep != null && dep.isObject() && instance.isObject()) {
          for (Iterator<String> it = dep.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (instance.has(k)) check(dep.get(k), instance);
          }
        }
      } finally {
        chain.remove(schema);
      }
      List<JsonNode> saved = new ArrayList<>(chain);
      chain.clear();
      try {
        descend(schema, instance);
      } finally {
        chain.addAll(saved);
      }
      seen.add(instance);
    }

    private void descend(JsonNode schema, JsonNode instance) throws Circular {
      if (instance.isObject()) {
        JsonNode props = schema.get("properties");
        JsonNode patterns = schema.get("patternProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = instance.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          boolean matched = false;
          if (props != null && props.has(e.getKey())) {
            matched = true;
            check(props.get(e.getKey()), e.getValue());
          }
          if (patterns != null && patterns.isObject()) {
            for (Iterator<String> pit = patterns.fieldNames(); pit.hasNext(); ) {
              String p = pit.next();
              RegularExpression re;
              try {
                re = SafeRegex.compile(p);
              } catch (RuntimeException ex) {
                continue;
              }
              if (re.matches(e.getKey())) {
                matched = true;
                check(patterns.get(p), e.getValue());
              }
            }
          }
          if (!matched) check(schema.get("additionalProperties"), e.getValue());
          check(schema.get("unevaluatedProperties"), e.getValue());
          check(schema.get("propertyNames"), F.textNode(e.getKey()));
        }
      } else if (instance.isArray()) {
        JsonNode prefix = schema.get("prefixItems");
        int n = prefix != null && prefix.isArray() ? prefix.size() : 0;
        for (int i = 0; i < instance.size(); i++) {
          if (i < n) check(prefix.get(i), instance.get(i));
          else check(schema.get("items"), instance.get(i));
          check(schema.get("contains"), instance.get(i));
          check(schema.get("unevaluatedItems"), instance.get(i));
        }
      }
    }
  }

  /** Resolves a local {@code #…} JSON-pointer reference in {@code root}; null otherwise. */
  static JsonNode resolve(JsonNode root, String ref) {
    if (!ref.startsWith("#")) return null;
    String frag = URLDecoder.decode(ref.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
    if (frag.isEmpty()) return root;
    if (!frag.startsWith("/")) return null;
    try {
      JsonNode n = root.at(JsonPointer.compile(frag));
      return n.isMissingNode() ? null : n;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  // ---- Python-style error tree and best match -------------------------------------------------

  /** One jsonschema-style error. */
  static final class PyError {
    String keyword;
    List<Object> path;
    JsonNode instance;
    JsonNode schema; // the (sub)schema the keyword belongs to
    String message;
    List<PyError> context = List.of();
    List<Integer> order;
    List<String> extras; // merged additional/unevaluated properties
    JsonNode keywordValue;
  }

  private static final Set<String> WEAK = Set.of("anyOf", "oneOf");

  private static List<Object> segments(JsonNodePath p) {
    List<Object> out = new ArrayList<>(p.getNameCount());
    for (int i = 0; i < p.getNameCount(); i++) out.add(p.getElement(i));
    return out;
  }

  /** Number of instance descents along evaluation-path segments [0, to). */
  private static int descents(List<Object> segs, int to) {
    int d = 0;
    int i = 0;
    while (i < to) {
      Object s = segs.get(i);
      if (!(s instanceof String k)) {
        i++;
        continue;
      }
      switch (k) {
        case "properties", "patternProperties", "prefixItems" -> {
          d++;
          i += 2;
        }
        case "additionalProperties", "unevaluatedProperties", "items", "additionalItems", "unevaluatedItems",
            "contains" -> {
          d++;
          i++;
        }
        case "allOf", "anyOf", "oneOf", "dependentSchemas", "dependencies" -> i += 2;
        default -> i++;
      }
    }
    return d;
  }

  /** Walks the schema along evaluation-path segments [0, to), following local $refs; null if lost. */
  private static JsonNode walk(JsonNode root, List<Object> segs, int to, List<Integer> order) {
    JsonNode s = root;
    int i = 0;
    while (i < to && s != null) {
      Object seg = segs.get(i);
      if (!(seg instanceof String k) || !s.isObject()) return null;
      if (order != null) order.add(indexOf(s, k));
      JsonNode v = s.get(k);
      switch (k) {
        case "$ref", "$dynamicRef" -> {
          s = v != null && v.isTextual() ? resolve(root, v.textValue()) : null;
          i++;
        }
        case "properties", "patternProperties", "dependentSchemas", "dependencies" -> {
          if (i + 1 >= to || v == null) return i + 1 >= to ? v : null;
          String name = String.valueOf(segs.get(i + 1));
          if (order != null) order.add(indexOf(v, name));
          s = v.get(name);
          i += 2;
        }
        case "allOf", "anyOf", "oneOf", "prefixItems" -> {
          if (i + 1 >= to || v == null) return i + 1 >= to ? v : null;
          Object idx = segs.get(i + 1);
          int n = idx instanceof Integer x ? x : -1;
          if (order != null) order.add(n);
          s = n >= 0 ? v.get(n) : null;
          i += 2;
        }
        default -> {
          s = v;
          i++;
        }
      }
    }
    return s;
  }

  private static int indexOf(JsonNode obj, String key) {
    int i = 0;
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); i++) {
      if (it.next().equals(key)) return i;
    }
    return -1;
  }

  private static JsonNode at(JsonNode instance, List<Object> path) {
    JsonNode n = instance;
    for (Object p : path) {
      if (n == null) return null;
      n = p instanceof Integer i ? n.get(i) : n.get(String.valueOf(p));
    }
    return n;
  }

  private record Msg(ValidationMessage m, List<Object> segs, List<Object> instancePath) {}

  /** Builds the top-level jsonschema-style errors from networknt's flat messages. */
  static List<PyError> errors(List<ValidationMessage> messages, JsonNode schemaRoot, JsonNode instance) {
    List<Msg> msgs = new ArrayList<>();
    for (ValidationMessage m : messages) {
      List<Object> ip = new ArrayList<>();
      JsonNodePath loc = m.getInstanceLocation();
      if (loc != null) ip.addAll(segments(loc));
      msgs.add(new Msg(m, segments(m.getEvaluationPath()), ip));
    }
    return build(msgs, 0, schemaRoot, instance);
  }

  private static int composite(List<Object> segs, int start) {
    for (int j = start; j + 1 < segs.size(); j++) {
      Object s = segs.get(j);
      if (("anyOf".equals(s) || "oneOf".equals(s)) && segs.get(j + 1) instanceof Integer) return j;
    }
    return -1;
  }

  private static List<PyError> build(List<Msg> msgs, int start, JsonNode root, JsonNode instance) {
    List<PyError> out = new ArrayList<>();
    Map<List<Object>, List<Msg>> groups = new LinkedHashMap<>();
    Map<List<Object>, List<Object>> groupPaths = new LinkedHashMap<>();
    Map<List<Object>, PyError> merged = new LinkedHashMap<>();
    for (Msg msg : msgs) {
      ValidationMessage m = msg.m();
      String kw = m.getType();
      int j = composite(msg.segs(), start);
      if (j < 0 && "oneOf".equals(kw) && isZero(m.getArguments())) {
        List<Object> key = msg.segs();
        groups.computeIfAbsent(key, k -> new ArrayList<>());
        groupPaths.putIfAbsent(key, prefix(msg.instancePath(), descents(msg.segs(), key.size() - 1)));
        continue;
      }
      if (j >= 0) {
        List<Object> key = List.copyOf(msg.segs().subList(0, j + 1));
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(msg);
        groupPaths.putIfAbsent(key, prefix(msg.instancePath(), descents(msg.segs(), j)));
        continue;
      }
      PyError e = leaf(msg, root, instance);
      if ("additionalProperties".equals(kw) || "unevaluatedProperties".equals(kw)) {
        if (e.extras != null) {
          List<Object> key = new ArrayList<>(msg.segs());
          key.add(e.path);
          PyError prev = merged.get(key);
          if (prev != null) {
            prev.extras.addAll(e.extras);
            continue;
          }
          merged.put(key, e);
        }
      }
      out.add(e);
    }
    for (PyError e : merged.values()) e.message = propertiesMessage(e);
    for (Map.Entry<List<Object>, List<Msg>> g : groups.entrySet()) {
      List<Object> key = g.getKey();
      PyError e = new PyError();
      e.keyword = String.valueOf(key.get(key.size() - 1));
      e.path = groupPaths.get(key);
      e.instance = at(instance, e.path);
      e.order = new ArrayList<>();
      e.schema = root == null ? null : walk(root, key, key.size() - 1, e.order);
      if (root != null && e.schema != null) e.order.add(indexOf(e.schema, e.keyword));
      e.message = PyRepr.repr(e.instance) + " is not valid under any of the given schemas";
      e.context = build(g.getValue(), key.size() + 1, root, instance);
      out.add(e);
    }
    List<PyError> sorted = new ArrayList<>(out);
    sorted.sort(RunInputValidator::compareOrder);
    return sorted;
  }

  private static boolean isZero(Object[] args) {
    return args != null && args.length > 0 && "0".equals(String.valueOf(args[0]));
  }

  private static List<Object> prefix(List<Object> path, int n) {
    return List.copyOf(path.subList(0, Math.min(n, path.size())));
  }

  private static int compareOrder(PyError a, PyError b) {
    List<Integer> x = a.order == null ? List.of() : a.order;
    List<Integer> y = b.order == null ? List.of() : b.order;
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      int c = Integer.compare(x.get(i), y.get(i));
      if (c != 0) return c;
    }
    return 0; // keep networknt's order otherwise (stable sort)
  }

  private static PyError leaf(Msg msg, JsonNode root, JsonNode instance) {
    ValidationMessage m = msg.m();
    PyError e = new PyError();
    e.keyword = m.getType();
    List<Object> segs = msg.segs();
    Object last = segs.isEmpty() ? null : segs.get(segs.size() - 1);
    boolean endsWithKeyword = e.keyword.equals(last)
        || ("contains".equals(last) && e.keyword.endsWith("Contains"));
    int schemaEnd = endsWithKeyword ? segs.size() - 1 : segs.size();
    e.path = prefix(msg.instancePath(), descents(segs, schemaEnd));
    e.instance = m.getInstanceNode() != null ? m.getInstanceNode() : at(instance, e.path);
    e.order = new ArrayList<>();
    e.schema = root == null ? null : walk(root, segs, schemaEnd, e.order);
    if (e.schema != null && endsWithKeyword) {
      e.order.add(indexOf(e.schema, e.keyword));
      e.keywordValue = e.schema.get(e.keyword);
    }
    if (e.keywordValue == null) e.keywordValue = m.getSchemaNode();
    e.message = message(e, m);
    return e;
  }

  private static String propertiesMessage(PyError e) {
    List<String> extras = new ArrayList<>(new TreeSet<>(e.extras));
    StringBuilder joined = new StringBuilder();
    for (String x : extras) {
      if (joined.length() > 0) joined.append(", ");
      joined.append(PyRepr.repr(x));
    }
    if ("additionalProperties".equals(e.keyword) && e.schema != null
        && e.schema.get("patternProperties") instanceof ObjectNode patterns) {
      List<String> ps = new ArrayList<>();
      patterns.fieldNames().forEachRemaining(ps::add);
      Collections.sort(ps);
      StringBuilder pj = new StringBuilder();
      for (String p : ps) {
        if (pj.length() > 0) pj.append(", ");
        pj.append(PyRepr.repr(p));
      }
      return joined + (extras.size() == 1 ? " does" : " do") + " not match any of the regexes: " + pj;
    }
    String what = "additionalProperties".equals(e.keyword) ? "Additional" : "Unevaluated";
    return what + " properties are not allowed (" + joined + (extras.size() == 1 ? " was" : " were")
        + " unexpected)";
  }

  private static String message(PyError e, ValidationMessage m) {
    String r = PyRepr.repr(e.instance);
    JsonNode v = e.keywordValue;
    String vr = v == null ? "None" : PyRepr.repr(v);
    int n = v != null && v.isNumber() ? v.intValue() : -1;
    switch (e.keyword) {
      case "required":
        return PyRepr.repr(m.getProperty() != null ? m.getProperty() : String.valueOf(m.getArguments()[0]))
            + " is a required property";
      case "type": {
        StringBuilder t = new StringBuilder();
        if (v != null && v.isArray()) {
          for (JsonNode x : v) {
            if (t.length() > 0) t.append(", ");
            t.append(PyRepr.repr(x));
          }
        } else {
          t.append(vr);
        }
        return r + " is not of type " + t;
      }
      case "enum":
        return r + " is not one of " + vr;
      case "const":
        return vr + " was expected";
      case "minimum":
        return r + " is less than the minimum of " + vr;
      case "maximum":
        return r + " is greater than the maximum of " + vr;
      case "exclusiveMinimum":
        return r + " is less than or equal to the minimum of " + vr;
      case "exclusiveMaximum":
        return r + " is greater than or equal to the maximum of " + vr;
      case "multipleOf":
        return r + " is not a multiple of " + vr;
      case "minLength":
      case "minItems":
        return r + (n == 1 ? " should be non-empty" : " is too short");
      case "maxLength":
      case "maxItems":
        return r + (n == 0 ? " is expected to be empty" : " is too long");
      case "minProperties":
        return r + (n == 1 ? " should be non-empty" : " does not have enough properties");
      case "maxProperties":
        return r + (n == 0 ? " is expected to be empty" : " has too many properties");
      case "pattern":
        return r + " does not match " + vr;
      case "format":
        return r + " is not a " + vr;
      case "uniqueItems":
        return r + " has non-unique elements";
      case "not":
        return r + " should not be valid under " + vr;
      case "false":
        return "False schema does not allow " + r;
      case "contains":
      case "minContains":
        return r + " does not contain items matching the given schema";
      case "dependentRequired": {
        Object[] a = m.getArguments();
        String prop = a != null && a.length > 1 ? String.valueOf(a[1]) : "";
        String missing = a != null && a.length > 0 ? String.valueOf(a[0]) : String.valueOf(m.getProperty());
        return PyRepr.repr(missing) + " is a dependency of " + PyRepr.repr(prop);
      }
      case "oneOf": {
        Object[] a = m.getArguments();
        String idx = a != null && a.length > 1 ? String.valueOf(a[1]) : "";
        List<String> reprs = new ArrayList<>();
        String first = null;
        for (String s : idx.split(",\\s*")) {
          if (s.isBlank() || v == null || !v.isArray()) continue;
          String sr = PyRepr.repr(v.get(Integer.parseInt(s.trim())));
          if (first == null) first = sr;
          else reprs.add(sr);
        }
        if (first != null) reprs.add(first);
        return r + " is valid under each of " + String.join(", ", reprs);
      }
      case "additionalProperties":
      case "unevaluatedProperties":
        if (m.getProperty() != null) {
          e.extras = new ArrayList<>(List.of(m.getProperty()));
          return null; // worded after merging
        }
        return stripLocation(m);
      default:
        return stripLocation(m);
    }
  }

  private static String stripLocation(ValidationMessage m) {
    String s = m.getMessage();
    int i = s.indexOf(": ");
    return i >= 0 && s.startsWith("$") ? s.substring(i + 2) : s;
  }

  /** Python's TypeChecker for draft 2020-12. */
  static boolean isType(JsonNode n, String type) {
    return switch (type) {
      case "object" -> n.isObject();
      case "array" -> n.isArray();
      case "string" -> n.isTextual();
      case "boolean" -> n.isBoolean();
      case "null" -> n.isNull();
      case "number" -> n.isNumber();
      case "integer" -> n.isIntegralNumber() || (n.isFloatingPointNumber() && Double.isFinite(n.doubleValue())
          && n.doubleValue() == Math.rint(n.doubleValue()));
      default -> false;
    };
  }

  private static boolean matchesType(PyError e) {
    if (e.schema == null || !e.schema.isObject() || e.instance == null) return false;
    JsonNode t = e.schema.get("type");
    if (t == null) return false;
    if (t.isTextual()) return isType(e.instance, t.textValue());
    if (t.isArray()) {
      for (JsonNode x : t) {
        if (x.isTextual() && isType(e.instance, x.textValue())) return true;
      }
    }
    return false;
  }

  /** jsonschema's relevance key, compared lexicographically (larger = more relevant). */
  private static int compareRelevance(PyError a, PyError b) {
    int c = Integer.compare(-a.path.size(), -b.path.size());
    if (c != 0) return c;
    c = comparePaths(a.path, b.path);
    if (c != 0) return c;
    c = Boolean.compare(!WEAK.contains(a.keyword), !WEAK.contains(b.keyword));
    if (c != 0) return c;
    return Boolean.compare(!matchesType(a), !matchesType(b));
  }

  /** Python's comparison of two equally long paths (deques of str/int). */
  private static int comparePaths(List<Object> x, List<Object> y) {
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      Object a = x.get(i);
      Object b = y.get(i);
      int c;
      if (a instanceof Integer p && b instanceof Integer q) c = Integer.compare(p, q);
      else if (a instanceof Integer) c = -1;
      else if (b instanceof Integer) c = 1;
      else c = String.valueOf(a).compareTo(String.valueOf(b));
      if (c != 0) return c;
    }
    return Integer.compare(x.size(), y.size());
  }

  /** jsonschema's best_match over errors in iteration order. */
  static PyError bestMatch(List<PyError> errors) {
    PyError best = null;
    for (PyError e : errors) {
      if (best == null || compareRelevance(e, best) > 0) best = e;
    }
    if (best == null) throw new IllegalStateException("no errors");
    while (!best.context.isEmpty()) {
      List<PyError> ctx = new ArrayList<>(best.context);
      ctx.sort(RunInputValidator::compareRelevance); // stable: ascending relevance
      if (ctx.size() >= 2 && compareRelevance(ctx.get(0), ctx.get(1)) == 0) return best;
      best = ctx.get(0);
    }
    return best;
  }
}
