package dev.baton.config;

import java.util.HashMap;
import java.util.Map;

/** The value of each {@link Setting}: what the file or the environment set, else its default. */
final class Values {

  private final Map<Setting<?>, Object> set = new HashMap<>();

  private Values() {}

  /** Every setting at its default. */
  static Values defaults() {
    return new Values();
  }

  <T> void set(Setting<T> setting, T value) {
    set.put(setting, value);
  }

  @SuppressWarnings("unchecked") // set() only stores a T under a Setting<T>
  <T> T get(Setting<T> setting) {
    return set.containsKey(setting) ? (T) set.get(setting) : setting.defaultValue();
  }
}
