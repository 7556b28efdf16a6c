package dev.baton.config;

/**
 * A setting that cannot be used. The message is one line naming the setting and the accepted form;
 * {@code Main} prints it and exits with status 2.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
