package dev.baton.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** pydantic-v2 (lax, JSON mode) validators for the scalar and container types Baton uses. */
public final class Types {
  private Types() {}

  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final String NUL_MSG = "NUL characters are not allowed";

  // ---- str -------------------------------------------------------------------------------

  public static final Type<String> STR = Types::str;

  static String str(JsonNode n, Ctx c) {
    if (!n.isTextual()) {
      c.error("string_type", "Input should be a valid string", n);
      return null;
    }
    String s = n.textValue();
    if (s.indexOf('\u0000') >= 0) {
      c.valueError(NUL_MSG, n);
      return null;
    }
    return s;
  }

  /** str with min/max length in characters (code points), pydantic's string_too_short/long. */
  public static Type<String> str(int minLength, int maxLength) {
    return (n, c) -> {
      String s = str(n, c);
      if (s == null) return null;
      int len = s.codePointCount(0, s.length());
      if (len < minLength) {
        c.error("string_too_short", "String should have at least " + minLength + " character"
            + (minLength == 1 ? "" : "s"), n, Ctx.ctx("min_length", minLength));
        return null;
      }
      if (len > maxLength) {
        c.error("string_too_long", "String should have at most " + maxLength + " character"
            + (maxLength == 1 ? "" : "s"), n, Ctx.ctx("max_length", maxLength));
        return null;
      }
      return s;
    };
  }

  // ---- int / float / bool ---------------------------------------------------------------

  /** Lax int as a long: JSON ints, integral floats, numeric strings, booleans. */
  public static final Type<Long> INT = Types::integer;

  /** Lax int restricted to the Java int range (values beyond it: int_parsing_size). */
  public static final Type<Integer> INT32 = (n, c) -> {
    Long v = integer(n, c);
    if (v == null) return null;
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      tooBig(n, c);
      return null;
    }
    return v.intValue();
  };

  static void tooBig(JsonNode n, Ctx c) {
    c.error("int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size", n);
  }

  static Long integer(JsonNode n, Ctx c) {
    if (n.isIntegralNumber()) {
      if (!n.canConvertToLong()) {
        tooBig(n, c);
        return null;
      }
      return n.longValue();
    }
    if (n.isFloatingPointNumber()) {
      if (!Double.isFinite(n.doubleValue())) {
        c.error("finite_number", "Input should be a finite number", n);
        return null;
      }
      return fromDecimal(n.decimalValue(), n, c);
    }
    if (n.isBoolean()) {
      return n.booleanValue() ? 1L : 0L;
    }
    if (n.isTextual()) {
      String s = n.textValue().strip().replace("_", "");
      if (s.isEmpty() || s.length() > 4300 || !s.matches("[+-]?\\d+(\\.0*)?")) {
        c.error("int_parsing", "Input should be a valid integer, unable to parse string as an integer", n);
        return null;
      }
      int dot = s.indexOf('.');
      BigInteger b = new BigInteger(dot < 0 ? s : s.substring(0, dot));
      if (b.bitLength() > 63) {
        tooBig(n, c);
        return null;
      }
      return b.longValue();
    }
    c.error("int_type", "Input should be a valid integer", n);
    return null;
  }

  private static Long fromDecimal(BigDecimal d, JsonNode n, Ctx c) {
    if (!Double.isFinite(n.doubleValue())) {
      c.error("finite_number", "Input should be a finite number", n);
      return null;
    }
    if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
      c.error("int_from_float", "Input should be a valid integer, got a number with a fractional part", n);
      return null;
    }
    try {
      return d.toBigIntegerExact().longValueExact();
    } catch (ArithmeticException e) {
      tooBig(n, c);
      return null;
    }
  }

  /** Lax float: JSON numbers, numeric strings, booleans; must be finite. */
  public static final Type<Double> FLOAT = (n, c) -> {
    double v;
    if (n.isNumber()) {
      v = n.doubleValue();
    } else if (n.isBoolean()) {
      v = n.booleanValue() ? 1.0 : 0.0;
    } else if (n.isTextual()) {
      String s = n.textValue().strip();
      if (!s.matches("[+-]?(\\d[\\d_]*(\\.[\\d_]*)?|\\.\\d[\\d_]*)([eE][+-]?\\d+)?|[+-]?(inf|infinity|nan)")) {
        c.error("float_parsing", "Input should be a valid number, unable to parse string as a number", n);
        return null;
      }
      String t = s.toLowerCase(Locale.ROOT).replace("_", "");
      v = t.contains("nan") ? Double.NaN : t.contains("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(t);
    } else {
      c.error("float_type", "Input should be a valid number", n);
      return null;
    }
    if (!Double.isFinite(v)) {
      c.error("finite_number", "Input should be a finite number", n);
      return null;
    }
    return v;
  };

  private static final Set<String> TRUE = Set.of("true", "1", "yes", "on", "t", "y");
  private static final Set<String> FALSE = Set.of("false", "0", "no", "off", "f", "n");

  /** Lax bool: true/false, 0/1 (ints and floats), and the usual strings, case-insensitively. */
  public static final Type<Boolean> BOOL = (n, c) -> {
    if (n.isBoolean()) return n.booleanValue();
    if (n.isNumber()) {
      double d = n.doubleValue();
      if (d == 0.0) return false;
      if (d == 1.0) return true;
      c.error("bool_parsing", "Input should be a valid boolean, unable to interpret input", n);
      return null;
    }
    if (n.isTextual()) {
      String s = n.textValue().toLowerCase(Locale.ROOT);
      if (TRUE.contains(s)) return true;
      if (FALSE.contains(s)) return false;
      c.error("bool_parsing", "Input should be a valid boolean, unable to interpret input", n);
      return null;
    }
    c.error("bool_type", "Input should be a valid boolean", n);
    return null;
  };

  /**
   * Numeric bounds on a decoded number (pydantic greater_than_equal / less_than_equal). The bound is
   * written as pydantic-core writes numbers in messages (Rust's {@code Display}: {@code 60}, {@code 1.5})
   * and, for a float field, as a float in {@code ctx} ({@code 60.0}).
   */
  public static <N extends Number> Type<N> range(Type<N> t, Number ge, Number le) {
    return (n, c) -> {
      int m = c.mark();
      N v = t.decode(n, c);
      if (v == null || c.failedSince(m)) return null;
      boolean isFloat = v instanceof Double;
      if (ge != null && v.doubleValue() < ge.doubleValue()) {
        c.error("greater_than_equal", "Input should be greater than or equal to " + display(ge), n,
            Ctx.ctx("ge", isFloat ? (Object) ge.doubleValue() : ge));
        return null;
      }
      if (le != null && v.doubleValue() > le.doubleValue()) {
        c.error("less_than_equal", "Input should be less than or equal to " + display(le), n,
            Ctx.ctx("le", isFloat ? (Object) le.doubleValue() : le));
        return null;
      }
      return v;
    };
  }

  /** A number as Rust's {@code Display} writes it: no fraction when integral. */
  static String display(Number x) {
    double d = x.doubleValue();
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }

  // ---- uuid / datetime -------------------------------------------------------------------

  public static final Type<UUID> UUID_T = (n, c) -> {
    if (!n.isTextual()) {
      c.error("uuid_type", "UUID input should be a string, bytes or UUID object", n);
      return null;
    }
    String s = n.textValue();
    String err = uuidError(s);
    if (err != null) {
      c.error("uuid_parsing", "Input should be a valid UUID, " + err, n, Ctx.ctx("error", err));
      return null;
    }
    return parseUuid(s);
  };

  /** Parses dashed, 32-hex, {@code urn:uuid:} and braced forms; null when invalid. */
  public static UUID parseUuidOrNull(String s) {
    return s == null || uuidError(s) != null ? null : parseUuid(s);
  }

  private static String strip(String s) {
    if (s.regionMatches(true, 0, "urn:uuid:", 0, 9)) return s.substring(9);
    if (s.length() > 1 && s.charAt(0) == '{' && s.charAt(s.length() - 1) == '}') return s.substring(1, s.length() - 1);
    return s;
  }

  private static String uuidError(String raw) {
    String s = strip(raw);
    int offset = raw.length() - s.length() - (raw.endsWith("}") && raw.startsWith("{") ? 1 : 0);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch != '-' && Character.digit(ch, 16) < 0) {
        // pydantic-core 2.4x's wording (a Prefect 3.8 install's); older releases also named the expected characters
        return "invalid character: found `"
            + new String(Character.toChars(s.codePointAt(i))) + "` at " + (i + offset + 1);
      }
    }
    if (s.indexOf('-') < 0) {
      return s.length() == 32 ? null : "invalid length: expected length 32 for simple format, found " + s.length();
    }
    String[] groups = s.split("-", -1);
    if (groups.length != 5) return "invalid group count: expected 5, found " + groups.length;
    int[] want = {8, 4, 4, 4, 12};
    for (int i = 0; i < 5; i++) {
      if (groups[i].length() != want[i]) {
        return "invalid group length in group " + i + ": expected " + want[i] + ", found " + groups[i].length();
      }
    }
    return null;
  }

  private static UUID parseUuid(String raw) {
    String hex = strip(raw).replace("-", "");
    return new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
  }

  public static final Type<Instant> DATETIME = (n, c) -> {
    if (n.isNumber()) {
      // an integer past the long range is not exact as a long (asLong would wrap): use the double
      Instant t = Times.fromUnix(n.doubleValue(), n.isIntegralNumber() && n.canConvertToLong() ? n.asLong() : null);
      if (t == null) {
        c.error("datetime_parsing", "Input should be a valid datetime, timestamp value is outside expected range", n,
            Ctx.ctx("error", "timestamp value is outside expected range"));
      }
      return t;
    }
    if (!n.isTextual()) {
      c.error("datetime_type", "Input should be a valid datetime", n);
      return null;
    }
    Times.Parsed p = Times.parse(n.textValue());
    if (p.error() != null) {
      if (p.dateError()) {
        c.error("datetime_from_date_parsing", "Input should be a valid datetime or date, " + p.error(), n,
            Ctx.ctx("error", p.error()));
      } else {
        c.error("datetime_parsing", "Input should be a valid datetime, " + p.error(), n, Ctx.ctx("error", p.error()));
      }
      return null;
    }
    return p.value();
  };

  // ---- enums / literals ------------------------------------------------------------------

  /** A str-enum by its constant names (pydantic {@code enum} error with ctx.expected). */
  public static <E extends Enum<E>> Type<E> enumOf(Class<E> type) {
    E[] values = type.getEnumConstants();
    List<String> names = new ArrayList<>();
    for (E e : values) names.add(e.name());
    String expected = expected(names);
    return (n, c) -> {
      if (n.isTextual()) {
        for (E e : values) {
          if (e.name().equals(n.textValue())) return e;
        }
      }
      c.error("enum", "Input should be " + expected, n, Ctx.ctx("expected", expected));
      return null;
    };
  }

  /** A str-valued enum given by its values (pydantic {@code enum} error with ctx.expected). */
  public static Type<String> enumValues(String... allowed) {
    return oneOf("enum", allowed);
  }

  /** A {@code Literal[...]} of strings (pydantic {@code literal_error}). */
  public static Type<String> literal(String... allowed) {
    return oneOf("literal_error", allowed);
  }

  private static Type<String> oneOf(String errorType, String... allowed) {
    String expected = expected(List.of(allowed));
    return (n, c) -> {
      if (n.isTextual()) {
        for (String a : allowed) {
          if (a.equals(n.textValue())) return a;
        }
      }
      c.error(errorType, "Input should be " + expected, n, Ctx.ctx("expected", expected));
      return null;
    };
  }

  static String expected(List<String> names) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) sb.append(i == names.size() - 1 ? " or " : ", ");
      sb.append('\'').append(names.get(i)).append('\'');
    }
    return sb.toString();
  }

  // ---- containers ------------------------------------------------------------------------

  public static <V> Type<List<V>> list(Type<V> item) {
    return (n, c) -> {
      if (!n.isArray()) {
        c.error("list_type", "Input should be a valid list", n);
        return null;
      }
      int m = c.mark();
      List<V> out = new ArrayList<>(n.size());
      for (int i = 0; i < n.size(); i++) {
        c.push(i);
        out.add(item.decode(n.get(i), c));
        c.pop();
      }
      return c.failedSince(m) ? null : out;
    };
  }

  /** {@code set[str]}-like: a JSON array (set_type error otherwise), duplicates dropped, order kept. */
  public static <V> Type<List<V>> set(Type<V> item) {
    return (n, c) -> {
      if (!n.isArray()) {
        c.error("set_type", "Input should be a valid set", n);
        return null;
      }
      List<V> l = list(item).decode(n, c);
      return l == null ? null : List.copyOf(new LinkedHashSet<>(l));
    };
  }

  /** {@code dict[str, V]} preserving key order; keys are checked for NUL characters. */
  public static <V> Type<Map<String, V>> dict(Type<V> value) {
    return (n, c) -> {
      if (!n.isObject()) {
        c.error("dict_type", "Input should be a valid dictionary", n);
        return null;
      }
      int m = c.mark();
      Map<String, V> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        checkKey(e.getKey(), c);
        c.push(e.getKey());
        out.put(e.getKey(), value.decode(e.getValue(), c));
        c.pop();
      }
      return c.failedSince(m) ? null : out;
    };
  }

  private static void checkKey(String key, Ctx c) {
    if (key.indexOf('\u0000') >= 0) {
      c.push(key).push("[key]");
      c.valueError(NUL_MSG, TextNode.valueOf(key));
      c.pop();
      c.pop();
    }
  }

  /**
   * Any JSON value, returned as is after a full walk that rejects NUL characters in strings and
   * keys, and non-finite numbers (neither can be stored in PostgreSQL jsonb).
   */
  public static final Type<JsonNode> ANY = (n, c) -> {
    int m = c.mark();
    walk(n, c);
    return c.failedSince(m) ? null : n;
  };

  static void walk(JsonNode n, Ctx c) {
    switch (n.getNodeType()) {
      case STRING -> {
        if (n.textValue().indexOf('\u0000') >= 0) c.valueError(NUL_MSG, n);
      }
      case NUMBER -> {
        if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) {
          c.error("finite_number", "Input should be a finite number", n);
        }
      }
      case ARRAY -> {
        for (int i = 0; i < n.size(); i++) {
          c.push(i);
          walk(n.get(i), c);
          c.pop();
        }
      }
      case OBJECT -> {
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          checkKey(e.getKey(), c);
          c.push(e.getKey());
          walk(e.getValue(), c);
          c.pop();
        }
      }
      default -> { }
    }
  }

  /** A JSON object of any values ({@code dict[str, Any]}), walked like {@link #ANY}. */
  public static final Type<ObjectNode> OBJECT = (n, c) -> {
    if (!n.isObject()) {
      c.error("dict_type", "Input should be a valid dictionary", n);
      return null;
    }
    return (ObjectNode) ANY.decode(n, c);
  };

  /** A JSON array of any values. */
  public static final Type<ArrayNode> ARRAY = (n, c) -> {
    if (!n.isArray()) {
      c.error("list_type", "Input should be a valid list", n);
      return null;
    }
    return (ArrayNode) ANY.decode(n, c);
  };

  /**
   * Prefect's KeyValueLabels: {@code dict[str, StrictBool | StrictInt | StrictFloat | str]}. A value
   * matching none of them gets one error per union member (loc suffix bool/int/float/str), as
   * pydantic's smart union reports.
   */
  public static final Type<ObjectNode> LABELS = (n, c) -> {
    if (!n.isObject()) {
      c.error("dict_type", "Input should be a valid dictionary", n);
      return null;
    }
    int m = c.mark();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      checkKey(e.getKey(), c);
      JsonNode v = e.getValue();
      c.push(e.getKey());
      if (v.isTextual()) {
        str(v, c);
      } else if (v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue())) {
        c.error("finite_number", "Input should be a finite number", v);
      } else if (!(v.isBoolean() || v.isNumber())) {
        c.push("bool").error("bool_type", "Input should be a valid boolean", v);
        c.pop();
        c.push("int").error("int_type", "Input should be a valid integer", v);
        c.pop();
        c.push("float").error("float_type", "Input should be a valid number", v);
        c.pop();
        c.push("str").error("string_type", "Input should be a valid string", v);
        c.pop();
      }
      c.pop();
    }
    return c.failedSince(m) ? null : (ObjectNode) n;
  };

  /** A list of strings as a JSON-friendly {@code List<String>} (tags). */
  public static final Type<List<String>> STR_LIST = list(STR);

  /** {@code dict[str, str]}. */
  public static final Type<Map<String, String>> STR_MAP = dict(STR);
}
