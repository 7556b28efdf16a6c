package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** jsonschema's {@code relevance} and {@code best_match}: which one error is reported. */
final class ErrorRanking {
  private ErrorRanking() {}

  private static final Set<String> WEAK = Set.of("anyOf", "oneOf");

  /** Python's TypeChecker for draft 2020-12. */
  private static boolean isType(JsonNode n, String type) {
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
      ctx.sort(ErrorRanking::compareRelevance); // stable: ascending relevance
      if (ctx.size() >= 2 && compareRelevance(ctx.get(0), ctx.get(1)) == 0) return best;
      best = ctx.get(0);
    }
    return best;
  }
}
