package dev.baton.automations;

import java.util.regex.Pattern;

/**
 * Shell-style patterns as Python's {@code fnmatch.fnmatchcase} reads them (case-sensitive, whole
 * string): {@code *} any run of characters (dots included), {@code ?} one character, {@code [seq]}
 * and {@code [!seq]} character classes; everything else literal. Label patterns may start with
 * {@code !} to negate ({@link #matchesLabel}).
 */
final class Glob {
  /** The pattern, or null when {@link #literal} decides alone. */
  private final Pattern pattern;
  /** Without wildcards: the whole text; {@code prefix*}: the prefix; {@code *}: empty. */
  private final String literal;
  /** {@code literal} is a prefix ({@code prefix*}). */
  private final boolean prefix;

  private Glob(Pattern pattern, String literal, boolean prefix) {
    this.pattern = pattern;
    this.literal = literal;
    this.prefix = prefix;
  }

  /**
   * A glob without {@code ?} or {@code [} and with {@code *} at most at its end is matched without
   * a regular expression (nearly every automation's globs: ids, event names, "prefect.flow-run.*").
   */
  private static Glob compile(String glob) {
    boolean special = glob.indexOf('?') >= 0 || glob.indexOf('[') >= 0;
    int star = glob.indexOf('*');
    if (!special && star < 0) {
      return new Glob(null, glob, false);
    }
    if (!special && star == glob.length() - 1) {
      return new Glob(null, glob.substring(0, star), true);
    }
    return new Glob(Pattern.compile(translate(glob), Pattern.DOTALL), null, false);
  }

  /** Compiled patterns; automations hold few distinct ones (cleared if it ever grows large). */
  private static final java.util.concurrent.ConcurrentHashMap<String, Glob> CACHE =
      new java.util.concurrent.ConcurrentHashMap<>();

  static Glob of(String glob) {
    Glob g = CACHE.get(glob);
    if (g == null) {
      if (CACHE.size() > 10_000) {
        CACHE.clear();
      }
      g = compile(glob);
      CACHE.put(glob, g);
    }
    return g;
  }

  boolean matches(String value) {
    if (value == null) {
      return false;
    }
    if (pattern == null) {
      return prefix ? value.startsWith(literal) : value.equals(literal);
    }
    return pattern.matcher(value).matches();
  }

  /**
   * A label test: {@code expected} is a glob, negated by a leading {@code !}; a missing label
   * ({@code value} null) never matches, not even a negated pattern.
   */
  static boolean matchesLabel(String expected, String value) {
    if (value == null) {
      return false;
    }
    boolean positive = !expected.startsWith("!");
    boolean match = of(positive ? expected : expected.substring(1)).matches(value);
    return positive == match;
  }

  /** fnmatch's translation of a pattern to a regular expression (without anchors: matched whole). */
  static String translate(String glob) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    int n = glob.length();
    while (i < n) {
      char c = glob.charAt(i++);
      if (c == '*') {
        re.append(".*");
        while (i < n && glob.charAt(i) == '*') {
          i++;
        }
      } else if (c == '?') {
        re.append('.');
      } else if (c == '[') {
        int j = i;
        if (j < n && glob.charAt(j) == '!') {
          j++;
        }
        if (j < n && glob.charAt(j) == ']') {
          j++;
        }
        while (j < n && glob.charAt(j) != ']') {
          j++;
        }
        if (j >= n) {
          re.append("\\[");
        } else {
          String body = glob.substring(i, j);
          i = j + 1;
          StringBuilder cls = new StringBuilder("[");
          int k = 0;
          if (body.startsWith("!")) {
            cls.append('^');
            k = 1;
          } else if (body.startsWith("^")) {
            cls.append("\\^");
            k = 1;
          }
          for (; k < body.length(); k++) {
            char b = body.charAt(k);
            if (b == '\\' || b == '[' || b == '&' || b == '~' || b == '|') {
              cls.append('\\');
            }
            cls.append(b);
          }
          re.append(cls).append(']');
        }
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }
}
