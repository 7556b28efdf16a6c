package dev.baton.http;

import java.util.UUID;

/**
 * Item routes match only UUID path segments (dashed or 32 hex digits); anything else is a 404
 * "Not Found" without a lookup (spec/api.md §1.1).
 */
public final class PathIds {
  private PathIds() {}

  /** The UUID in {@code s}, or null when it is not one. */
  public static UUID parse(String s) {
    if (s == null) {
      return null;
    }
    String t = s;
    if (t.length() == 32) {
      for (int i = 0; i < 32; i++) {
        if (Character.digit(t.charAt(i), 16) < 0) {
          return null;
        }
      }
      t = t.substring(0, 8) + '-' + t.substring(8, 12) + '-' + t.substring(12, 16) + '-' + t.substring(16, 20) + '-' + t.substring(20);
    }
    if (t.length() != 36 || t.charAt(8) != '-' || t.charAt(13) != '-' || t.charAt(18) != '-' || t.charAt(23) != '-') {
      return null;
    }
    for (int i = 0; i < 36; i++) {
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        continue;
      }
      if (Character.digit(t.charAt(i), 16) < 0) {
        return null;
      }
    }
    return UUID.fromString(t);
  }
}
