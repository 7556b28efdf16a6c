package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds jsonschema's error tree from networknt's flat messages: each error's instance path and
 * subschema, {@code anyOf}/{@code oneOf} failures with their sub-errors as context, extra properties
 * merged into one error, all in the schema's keyword order.
 */
final class PythonErrors {
  private PythonErrors() {}

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
          s = v != null && v.isTextual() ? RefCycles.resolve(root, v.textValue()) : null;
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
    for (PyError e : merged.values()) e.message = ErrorMessages.propertiesMessage(e);
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
    sorted.sort(PythonErrors::compareOrder);
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
    e.message = ErrorMessages.message(e, m);
    return e;
  }
}
