package dev.baton.domain;

/** A parsed {@code x.y.z} API version (from {@code X-PREFECT-API-VERSION}). */
public record ApiVersion(int major, int minor, int patch) implements Comparable<ApiVersion> {

  public static final ApiVersion V0_8_0 = new ApiVersion(0, 8, 0);
  public static final ApiVersion V0_8_3 = new ApiVersion(0, 8, 3);
  public static final ApiVersion V0_8_4 = new ApiVersion(0, 8, 4);
  public static final ApiVersion SERVER = V0_8_4;

  /** Parses {@code x.y.z}; returns null when the text is not three dot-separated integers. */
  public static ApiVersion parse(String text) {
    if (text == null) {
      return null;
    }
    String[] parts = text.trim().split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      int[] v = new int[3];
      for (int i = 0; i < 3; i++) {
        if (parts[i].isEmpty() || !parts[i].chars().allMatch(Character::isDigit) || parts[i].length() > 9) {
          return null;
        }
        v[i] = Integer.parseInt(parts[i]);
      }
      return new ApiVersion(v[0], v[1], v[2]);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Rules treat a missing version as "newest": true when {@code v} is null or ≥ {@code min}. */
  public static boolean atLeastOrAbsent(ApiVersion v, ApiVersion min) {
    return v == null || v.compareTo(min) >= 0;
  }

  @Override
  public int compareTo(ApiVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) c = Integer.compare(minor, o.minor);
    if (c == 0) c = Integer.compare(patch, o.patch);
    return c;
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
