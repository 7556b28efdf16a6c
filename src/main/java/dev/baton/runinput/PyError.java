package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One jsonschema-style error ({@code ValidationError}): what failed, where, and its sub-errors. */
final class PyError {
  String keyword;
  List<Object> path;
  JsonNode instance;
  JsonNode schema; // the (sub)schema the keyword belongs to
  String message;
  List<PyError> context = List.of();
  List<Integer> order;
  List<String> extras; // merged additional/unevaluated properties
  JsonNode keywordValue;

  private static final java.util.regex.Pattern SIMPLE_KEY = java.util.regex.Pattern.compile("[a-zA-Z][a-zA-Z0-9_]*");

  /** jsonschema's {@code ValidationError.json_path}. */
  static String jsonPath(List<Object> path) {
    StringBuilder sb = new StringBuilder("$");
    for (Object p : path) {
      if (p instanceof Integer i) {
        sb.append('[').append(i).append(']');
      } else if (SIMPLE_KEY.matcher(String.valueOf(p)).matches()) {
        sb.append('.').append(p);
      } else {
        sb.append("['").append(String.valueOf(p).replace("\\", "\\\\").replace("'", "\\'")).append("']");
      }
    }
    return sb.toString();
  }
}
