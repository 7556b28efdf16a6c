package dev.baton.domain;

/**
 * The names of tag limits (spec/concurrency.md §1.1): a task-run tag {@code t} is limited by the
 * global limit named {@code tag:t}. The one place that spells the prefix; SQL that matches tag
 * limits builds its text from {@link #PREFIX}.
 */
public final class TagLimitNames {
  /** What every tag limit's name starts with. */
  public static final String PREFIX = "tag:";

  private TagLimitNames() {}

  /** The name of the limit of {@code tag}. */
  public static String name(String tag) {
    return PREFIX + tag;
  }

  /** True when {@code limitName} names a tag limit. */
  public static boolean isTagLimit(String limitName) {
    return limitName.startsWith(PREFIX);
  }

  /** The tag a tag limit's name limits; any other name is returned as it is. */
  public static String tagOf(String limitName) {
    return isTagLimit(limitName) ? limitName.substring(PREFIX.length()) : limitName;
  }
}
