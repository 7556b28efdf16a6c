package dev.baton.config;

import java.util.function.Function;

/**
 * One setting of {@link Settings}: its key in the config file ({@code section.name}), its
 * environment variable, its default, the accepted form (for messages) and its parser, which throws
 * {@link IllegalArgumentException} for anything not of that form.
 */
record Setting<T>(String key, String env, T defaultValue, String form, Function<String, T> parser) {}
