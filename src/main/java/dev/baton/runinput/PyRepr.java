package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/** Python's {@code repr()} / {@code str()} of JSON values as {@code json.loads} would produce them. */
public final class PyRepr {
  private PyRepr() {}

  /** {@code repr(value)}: strings quoted, True/False/None, dicts and lists in Python syntax. */
  public static String repr(JsonNode n) {
    StringBuilder sb = new StringBuilder();
    repr(n, sb);
    return sb.toString();
  }

  /** {@code str(value)}: a string as is, anything else as its repr. */
  public static String str(JsonNode n) {
    return n != null && n.isTextual() ? n.textValue() : repr(n);
  }

  /** Python type name of a decoded JSON value (dict, list, str, int, float, bool, NoneType). */
  public static String typeName(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) return "NoneType";
    if (n.isObject()) return "dict";
    if (n.isArray()) return "list";
    if (n.isTextual()) return "str";
    if (n.isBoolean()) return "bool";
    if (n.isIntegralNumber()) return "int";
    return "float";
  }

  private static void repr(JsonNode n, StringBuilder sb) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      sb.append("None");
    } else if (n.isBoolean()) {
      sb.append(n.booleanValue() ? "True" : "False");
    } else if (n.isTextual()) {
      sb.append(repr(n.textValue()));
    } else if (n.isIntegralNumber()) {
      sb.append(n.bigIntegerValue());
    } else if (n.isNumber()) {
      sb.append(floatRepr(n.doubleValue()));
    } else if (n.isArray()) {
      sb.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) sb.append(", ");
        repr(n.get(i), sb);
      }
      sb.append(']');
    } else if (n.isObject()) {
      sb.append('{');
      boolean first = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!first) sb.append(", ");
        first = false;
        sb.append(repr(e.getKey())).append(": ");
        repr(e.getValue(), sb);
      }
      sb.append('}');
    } else {
      sb.append(repr(n.asText()));
    }
  }

  /** Python's float repr: shortest round-trip digits, fixed notation for 1e-4 &lt;= |x| &lt; 1e16. */
  public static String floatRepr(double d) {
    if (Double.isNaN(d)) return "nan";
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
    StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
    if (exp >= -4 && exp < 16) {
      if (exp >= 0) {
        if (digits.length() <= exp + 1) {
          sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
        } else {
          sb.append(digits, 0, exp + 1).append('.').append(digits.substring(exp + 1));
        }
      } else {
        sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
      }
    } else {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) sb.append('.').append(digits.substring(1));
      sb.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a < 10) sb.append('0');
      sb.append(a);
    }
    return sb.toString();
  }

  /** Python's repr of a str: quote choice and escapes as CPython does. */
  public static String repr(String s) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder sb = new StringBuilder(s.length() + 2).append(q);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (cp == q) {
            sb.append('\\').append((char) cp);
          } else if (cp < 0x20 || cp == 0x7f) {
            sb.append(String.format("\\x%02x", cp));
          } else if (cp < 0x7f) {
            sb.append((char) cp);
          } else if (isPrintable(cp)) {
            sb.appendCodePoint(cp);
          } else if (cp <= 0xff) {
            sb.append(String.format("\\x%02x", cp));
          } else if (cp <= 0xffff) {
            sb.append(String.format("\\u%04x", cp));
          } else {
            sb.append(String.format("\\U%08x", cp));
          }
        }
      }
    }
    return sb.append(q).toString();
  }

  /** Approximates Python's str.isprintable for one code point. */
  private static boolean isPrintable(int cp) {
    if (cp == ' ') return true;
    switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> {
        return false;
      }
      default -> {
        return true;
      }
    }
  }
}
