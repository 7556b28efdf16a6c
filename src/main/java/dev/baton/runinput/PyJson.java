package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;

/**
 * A JSON reader that accepts exactly what CPython's {@code json.loads} (C scanner, strict mode)
 * accepts — including {@code NaN}, {@code Infinity} and {@code -Infinity} — and fails with the same
 * message and position, e.g. {@code Expecting value: line 1 column 13 (char 12)}. Positions count
 * code points, as Python's str indexes do.
 */
public final class PyJson {
  private PyJson() {}

  /** Nesting beyond this fails (CPython would hit its recursion limit near 1000 and answer 500). */
  static final int MAX_DEPTH = 500;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** A {@code json.JSONDecodeError}; {@link #getMessage()} is Python's {@code str(e)}. */
  public static final class DecodeError extends Exception {
    DecodeError(String message) {
      super(message, null, false, false);
    }
  }

  /** Internal: the scanner's StopIteration (nothing parseable at {@code pos}). */
  private static final class Stop extends RuntimeException {
    final int pos;

    Stop(int pos) {
      super(null, null, false, false);
      this.pos = pos;
    }
  }

  private static final class Fail extends RuntimeException {
    final String msg;
    final int pos;

    Fail(String msg, int pos) {
      super(null, null, false, false);
      this.msg = msg;
      this.pos = pos;
    }
  }

  public static JsonNode loads(String s) throws DecodeError {
    try {
      if (s.startsWith("\ufeff")) throw new Fail("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
      int idx = ws(s, 0);
      Object[] r;
      try {
        r = scan(s, idx, 0);
      } catch (Stop e) {
        throw new Fail("Expecting value", e.pos);
      }
      int end = ws(s, (Integer) r[1]);
      if (end != s.length()) throw new Fail("Extra data", end);
      return (JsonNode) r[0];
    } catch (Fail f) {
      throw new DecodeError(format(f.msg, s, f.pos));
    }
  }

  /** {@code "<msg>: line L column C (char P)"} with code-point positions. */
  static String format(String msg, String s, int pos) {
    int line = 1;
    int lastNl = -1;
    for (int i = 0; i < pos; i++) {
      if (s.charAt(i) == '\n') {
        line++;
        lastNl = i;
      }
    }
    int cpPos = s.codePointCount(0, pos);
    int col = lastNl < 0 ? cpPos + 1 : s.codePointCount(lastNl, pos);
    return msg + ": line " + line + " column " + col + " (char " + cpPos + ")";
  }

  private static int ws(String s, int i) {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      i++;
    }
    return i;
  }

  private static Object[] scan(String s, int idx, int depth) {
    if (idx >= s.length()) throw new Stop(idx);
    char c = s.charAt(idx);
    switch (c) {
      case '"':
        return string(s, idx + 1);
      case '{':
        return object(s, idx + 1, depth + 1);
      case '[':
        return array(s, idx + 1, depth + 1);
      case 'n':
        if (s.startsWith("null", idx)) return new Object[] {F.nullNode(), idx + 4};
        break;
      case 't':
        if (s.startsWith("true", idx)) return new Object[] {F.booleanNode(true), idx + 4};
        break;
      case 'f':
        if (s.startsWith("false", idx)) return new Object[] {F.booleanNode(false), idx + 5};
        break;
      case 'N':
        if (s.startsWith("NaN", idx)) return new Object[] {F.numberNode(Double.NaN), idx + 3};
        break;
      case 'I':
        if (s.startsWith("Infinity", idx)) return new Object[] {F.numberNode(Double.POSITIVE_INFINITY), idx + 8};
        break;
      case '-':
        if (s.startsWith("-Infinity", idx)) return new Object[] {F.numberNode(Double.NEGATIVE_INFINITY), idx + 9};
        break;
      default:
        break;
    }
    return number(s, idx);
  }

  private static boolean digit(String s, int i) {
    return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
  }

  private static Object[] number(String s, int start) {
    int i = start;
    if (i < s.length() && s.charAt(i) == '-') i++;
    if (i < s.length() && s.charAt(i) >= '1' && s.charAt(i) <= '9') {
      while (digit(s, i)) i++;
    } else if (i < s.length() && s.charAt(i) == '0') {
      i++;
    } else {
      throw new Stop(start);
    }
    boolean isFloat = false;
    if (i < s.length() && s.charAt(i) == '.' && digit(s, i + 1)) {
      isFloat = true;
      i += 2;
      while (digit(s, i)) i++;
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      int e = i;
      i++;
      if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) i++;
      if (digit(s, i)) {
        while (digit(s, i)) i++;
        isFloat = true;
      } else {
        i = e;
      }
    }
    String text = s.substring(start, i);
    if (isFloat) return new Object[] {F.numberNode(Double.parseDouble(text)), i};
    int digits = text.length() - (text.startsWith("-") ? 1 : 0);
    if (digits > 4300) {
      throw new Fail("Exceeds the limit (4300 digits) for integer string conversion: value has " + digits
          + " digits; use sys.set_int_max_str_digits() to increase the limit", start);
    }
    BigInteger b = new BigInteger(text);
    JsonNode n = b.bitLength() < 32 ? F.numberNode(b.intValue())
        : b.bitLength() < 64 ? F.numberNode(b.longValue()) : F.numberNode(b);
    return new Object[] {n, i};
  }

  private static Object[] string(String s, int end) {
    int begin = end - 1;
    int len = s.length();
    StringBuilder sb = new StringBuilder();
    while (true) {
      int next = end;
      char c = 0;
      for (; next < len; next++) {
        c = s.charAt(next);
        if (c == '"' || c == '\\') break;
        if (c <= 0x1f) throw new Fail("Invalid control character at", next);
      }
      if (next >= len) throw new Fail("Unterminated string starting at", begin);
      sb.append(s, end, next);
      next++;
      if (c == '"') {
        end = next;
        break;
      }
      if (next == len) throw new Fail("Unterminated string starting at", begin);
      c = s.charAt(next);
      if (c != 'u') {
        end = next + 1;
        char out = switch (c) {
          case '"' -> '"';
          case '\\' -> '\\';
          case '/' -> '/';
          case 'b' -> '\b';
          case 'f' -> '\f';
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          default -> 0;
        };
        if (out == 0) throw new Fail("Invalid \\escape", end - 2);
        sb.append(out);
      } else {
        next++;
        end = next + 4;
        if (end >= len) throw new Fail("Invalid \\uXXXX escape", next - 1);
        int cp = hex4(s, next, end);
        if (Character.isHighSurrogate((char) cp) && end + 6 < len && s.charAt(end) == '\\'
            && s.charAt(end + 1) == 'u') {
          int cp2 = hex4(s, end + 2, end + 6);
          if (Character.isLowSurrogate((char) cp2)) {
            sb.append((char) cp).append((char) cp2);
            end += 6;
            continue;
          }
        }
        sb.append((char) cp);
      }
    }
    return new Object[] {F.textNode(sb.toString()), end};
  }

  private static int hex4(String s, int from, int end) {
    int v = 0;
    for (int i = from; i < end; i++) {
      char ch = s.charAt(i);
      int d = ch < 0x80 ? Character.digit(ch, 16) : -1;
      if (d < 0) throw new Fail("Invalid \\uXXXX escape", end - 5);
      v = (v << 4) | d;
    }
    return v;
  }

  private static void checkDepth(int depth, int idx) {
    if (depth > MAX_DEPTH) throw new Fail("Maximum nesting depth exceeded", idx);
  }

  private static Object[] object(String s, int idx, int depth) {
    checkDepth(depth, idx - 1);
    ObjectNode o = F.objectNode();
    int last = s.length() - 1;
    idx = ws(s, idx);
    if (idx > last || s.charAt(idx) != '}') {
      while (true) {
        if (idx > last || s.charAt(idx) != '"') {
          throw new Fail("Expecting property name enclosed in double quotes", idx);
        }
        Object[] k = string(s, idx + 1);
        idx = ws(s, (Integer) k[1]);
        if (idx > last || s.charAt(idx) != ':') throw new Fail("Expecting ':' delimiter", idx);
        idx = ws(s, idx + 1);
        Object[] v = scan(s, idx, depth);
        o.set(((JsonNode) k[0]).textValue(), (JsonNode) v[0]);
        idx = ws(s, (Integer) v[1]);
        if (idx <= last && s.charAt(idx) == '}') break;
        if (idx > last || s.charAt(idx) != ',') throw new Fail("Expecting ',' delimiter", idx);
        idx = ws(s, idx + 1);
      }
    }
    return new Object[] {o, idx + 1};
  }

  private static Object[] array(String s, int idx, int depth) {
    checkDepth(depth, idx - 1);
    ArrayNode a = F.arrayNode();
    int last = s.length() - 1;
    idx = ws(s, idx);
    if (idx > last || s.charAt(idx) != ']') {
      while (true) {
        Object[] v = scan(s, idx, depth);
        a.add((JsonNode) v[0]);
        idx = ws(s, (Integer) v[1]);
        if (idx <= last && s.charAt(idx) == ']') break;
        if (idx > last || s.charAt(idx) != ',') throw new Fail("Expecting ',' delimiter", idx);
        idx = ws(s, idx + 1);
      }
    }
    return new Object[] {a, idx + 1};
  }
}
