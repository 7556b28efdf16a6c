package dev.baton.config;

import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parsers of {@link Settings}. Each takes the trimmed text and throws
 * {@link IllegalArgumentException} when it is not of the setting's form; {@link ConfigLoader}
 * words the message.
 */
final class Parsers {

  private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
  private static final Pattern CLASS_NAME = Pattern.compile(
      "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");
  private static final Pattern ORIGIN =
      Pattern.compile("https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Set<String> CORS_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

  private Parsers() {}

  static int intIn(String s, int min, int max) {
    return (int) longIn(s, min, max);
  }

  static long longIn(String s, long min, long max) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException();
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException();
    }
    return v;
  }

  static double secondsIn(String s, double max) {
    double v;
    try {
      v = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException();
    }
    if (!(v >= 0 && v <= max)) {
      throw new IllegalArgumentException();
    }
    return v;
  }

  static boolean bool(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException();
    };
  }

  static String nonBlank(String s) {
    if (s.isEmpty() || s.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException();
    }
    return s;
  }

  /** Base64 (standard or URL-safe) of exactly 32 bytes: an AES-256 key; empty = none. */
  static String encryptionKey(String s) {
    if (s.isEmpty()) {
      return null;
    }
    String t = s.strip();
    byte[] b;
    try {
      b = t.indexOf('-') >= 0 || t.indexOf('_') >= 0 ? java.util.Base64.getUrlDecoder().decode(t)
          : java.util.Base64.getDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException();
    }
    if (b.length != 32) {
      throw new IllegalArgumentException();
    }
    return t;
  }

  static String pathText(String s) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException();
    }
    try {
      Path.of(s);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException();
    }
    return s;
  }

  static String logLevel(String s) {
    String up = s.toUpperCase(Locale.ROOT);
    if (up.equals("WARNING")) {
      up = "WARN";
    }
    if (!LOG_LEVELS.contains(up)) {
      throw new IllegalArgumentException();
    }
    return up;
  }

  /** A {@code postgresql://} or {@code postgres://} URI with a host; empty = null (embedded). */
  static String dbUrl(String s) {
    if (s.isEmpty()) {
      return null;
    }
    if (!(s.startsWith("postgresql://") || s.startsWith("postgres://"))) {
      throw new IllegalArgumentException();
    }
    try {
      PgConnectOptions o = PgConnectOptions.fromUri(s);
      if (o.getHost() == null || o.getHost().isBlank()) {
        throw new IllegalArgumentException();
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException();
    }
    return s;
  }

  /** Comma-separated Java class names (checked for form here; for presence when deployed). */
  static List<String> classNames(String s) {
    List<String> list = items(s);
    for (String c : list) {
      if (!CLASS_NAME.matcher(c).matches()) {
        throw new IllegalArgumentException();
      }
    }
    return list;
  }

  /** {@code *} alone, or origins as a browser sends them: scheme, host, optional port; no path. */
  static List<String> origins(String s) {
    List<String> list = items(s);
    if (list.contains("*")) {
      if (list.size() != 1) {
        throw new IllegalArgumentException();
      }
      return list;
    }
    for (String o : list) {
      if (!ORIGIN.matcher(o).matches()) {
        throw new IllegalArgumentException();
      }
    }
    return list;
  }

  static List<String> methods(String s) {
    List<String> list = items(s).stream().map(m -> m.toUpperCase(Locale.ROOT)).distinct().toList();
    if (list.isEmpty() || !CORS_METHODS.containsAll(list)) {
      throw new IllegalArgumentException();
    }
    return list;
  }

  static List<String> headerNames(String s) {
    List<String> list = items(s);
    for (String h : list) {
      if (!TOKEN.matcher(h).matches()) {
        throw new IllegalArgumentException();
      }
    }
    return list;
  }

  /** {@code host:port,host:port}: TCP-IP members of the cluster to join (IPv6 in brackets). */
  static List<String> members(String s) {
    List<String> out = new ArrayList<>();
    for (String part : s.split(",", -1)) {
      String m = part.trim();
      if (m.isEmpty()) {
        if (s.isBlank()) {
          continue;
        }
        throw new IllegalArgumentException();
      }
      int colon = m.lastIndexOf(':');
      if (colon <= 0 || m.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException();
      }
      String host = m.substring(0, colon);
      if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
        throw new IllegalArgumentException();
      }
      intIn(m.substring(colon + 1), 1, 65535);
      out.add(m);
    }
    return List.copyOf(out);
  }

  /** Comma-separated items, blanks around commas ignored; empty text = empty list. */
  private static List<String> items(String s) {
    if (s.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : s.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new IllegalArgumentException();
      }
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }
}
