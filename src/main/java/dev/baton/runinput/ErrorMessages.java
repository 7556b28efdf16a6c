package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/** The messages Python's jsonschema gives its errors, with Python reprs. */
final class ErrorMessages {
  private ErrorMessages() {}

  /** The message of a merged additional/unevaluated properties error, from its {@code extras}. */
  static String propertiesMessage(PyError e) {
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

  /**
   * The message of a leaf error; null for an additional/unevaluated property, whose name goes to
   * {@code e.extras} to be worded by {@link #propertiesMessage} once merged.
   */
  static String message(PyError e, ValidationMessage m) {
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
}
