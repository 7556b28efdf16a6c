package dev.baton.service.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(obj, sort_keys=True)} writes it (separators
 * {@code ", "} and {@code ": "}, {@code ensure_ascii}, keys in code-point order, floats as
 * {@code repr}), and Prefect's block schema checksum built on it: {@code "sha256:" +
 * sha256(json.dumps(((fields,), {}), sort_keys=True))} ({@code prefect.utilities.hashing.hash_objects}).
 */
public final class PyJson {
  private PyJson() {}

  /** {@code sha256:<hex>} of the {@code ((value,), {})} pair Prefect hashes. */
  public static String checksum(JsonNode value) {
    StringBuilder sb = new StringBuilder("[[");
    write(value, sb);
    sb.append("], {}]");
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code json.dumps(value, sort_keys=True)}. */
  public static String dumps(JsonNode value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb);
    return sb.toString();
  }

  static void write(JsonNode n, StringBuilder sb) {
    switch (n.getNodeType()) {
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          entries.add(it.next());
        }
        entries.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
        sb.append('{');
        for (int i = 0; i < entries.size(); i++) {
          if (i > 0) {
            sb.append(", ");
          }
          string(entries.get(i).getKey(), sb);
          sb.append(": ");
          write(entries.get(i).getValue(), sb);
        }
        sb.append('}');
      }
      case ARRAY -> {
        sb.append('[');
        for (int i = 0; i < n.size(); i++) {
          if (i > 0) {
            sb.append(", ");
          }
          write(n.get(i), sb);
        }
        sb.append(']');
      }
      case STRING -> string(n.textValue(), sb);
      case BOOLEAN -> sb.append(n.booleanValue() ? "true" : "false");
      case NULL, MISSING -> sb.append("null");
      case NUMBER -> {
        if (n.isIntegralNumber()) {
          sb.append(n.bigIntegerValue().toString());
        } else {
          sb.append(floatRepr(n.doubleValue()));
        }
      }
      default -> throw new IllegalArgumentException("not JSON: " + n.getNodeType());
    }
  }

  /** Python sorts str keys by code point; Java's compareTo by UTF-16 unit (they differ past U+FFFF). */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** A str as {@code json.dumps} with {@code ensure_ascii=True}: everything outside space..~ escaped. */
  static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (ch >= ' ' && ch <= '~') {
            sb.append(ch);
          } else {
            // a UTF-16 unit, so characters past U+FFFF come out as their surrogate pair, as in Python
            sb.append("\\u").append(HEX[(ch >> 12) & 0xF]).append(HEX[(ch >> 8) & 0xF])
                .append(HEX[(ch >> 4) & 0xF]).append(HEX[ch & 0xF]);
          }
        }
      }
    }
    sb.append('"');
  }

  /** Python's {@code repr(float)}: the shortest digits that read back as the same double. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0.0) {
      return (1.0 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal shortest = shortest(Math.abs(d));
    String digits = shortest.unscaledValue().toString();
    int decpt = digits.length() - shortest.scale();
    StringBuilder sb = new StringBuilder();
    if (d < 0) {
      sb.append('-');
    }
    if (decpt <= -4 || decpt > 16) {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      int exp = decpt - 1;
      sb.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a < 10) {
        sb.append('0');
      }
      sb.append(a);
    } else if (decpt <= 0) {
      sb.append("0.");
      sb.append("0".repeat(-decpt));
      sb.append(digits);
    } else if (decpt >= digits.length()) {
      sb.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
    } else {
      sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
    }
    return sb.toString();
  }

  /**
   * The shortest decimal that reads back as {@code d} (positive, finite), and among those the
   * closest: the exact value rounded to 1, 2, … significant digits, with the neighbours at each
   * length tried too (the rounding interval is lopsided at powers of two).
   */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int p = 1; p <= 17; p++) {
      BigDecimal closest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (closest.doubleValue() == d) {
        return closest.stripTrailingZeros();
      }
      BigDecimal unit = BigDecimal.ONE.scaleByPowerOfTen(closest.precision() - closest.scale() - p);
      BigDecimal best = null;
      for (BigDecimal c : new BigDecimal[] {closest.subtract(unit), closest.add(unit)}) {
        if (c.signum() > 0 && c.doubleValue() == d
            && (best == null || c.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
          best = c;
        }
      }
      if (best != null) {
        return best.stripTrailingZeros();
      }
    }
    return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
  }
}
