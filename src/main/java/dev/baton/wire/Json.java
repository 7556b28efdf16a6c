package dev.baton.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The shared Jackson configuration. Parsing is bounded (nesting depth {@value #MAX_DEPTH}, string
 * length {@value #MAX_BODY_BYTES}, number length 1000) and malformed input becomes FastAPI's 422
 * {@code json_invalid} error instead of an exception.
 */
public final class Json {
  private Json() {}

  public static final int MAX_DEPTH = 64;
  /** Upper bound for a request body and any string inside it. */
  public static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

  public static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxStringLength(MAX_BODY_BYTES)
          .maxNumberLength(1000)
          .maxNameLength(50_000)
          .build())
      .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH + 16).build())
      .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .build();

  public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** {@link #MAPPER}'s tree reading for one value inside a document (what follows it is the caller's). */
  private static final ObjectReader VALUE_READER = MAPPER.reader()
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * The value the parser stands on, as the node the tree parse gives it: strings, booleans and
   * null directly, numbers and containers through the mapper. The parser is left on its last token.
   */
  static JsonNode readValue(JsonParser p) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_STRING -> TextNode.valueOf(p.getText());
      case VALUE_TRUE -> BooleanNode.TRUE;
      case VALUE_FALSE -> BooleanNode.FALSE;
      case VALUE_NULL -> NullNode.instance;
      default -> VALUE_READER.readTree(p);
    };
  }

  /**
   * Parses a request body. An empty (or all-whitespace) body gives {@code ok(null)}: "no body".
   * Malformed JSON or too-deep nesting gives a {@code json_invalid} error at
   * {@code ["body", <char offset>]}.
   */
  public static Decoded<JsonNode> parse(byte[] body) {
    if (body == null || isBlank(body)) return Decoded.ok(null);
    if (body.length > MAX_BODY_BYTES) {
      return Decoded.invalid(List.of(jsonInvalid(0, "Request body too large")));
    }
    try {
      return Decoded.ok(MAPPER.readTree(body));
    } catch (IOException e) {
      // Re-parse as text to report a character (not byte) offset, as Python's json module does.
      return parse(new String(body, StandardCharsets.UTF_8));
    }
  }

  public static Decoded<JsonNode> parse(String body) {
    if (body == null || body.isBlank()) return Decoded.ok(null);
    try {
      return Decoded.ok(MAPPER.readTree(body));
    } catch (StreamConstraintsException e) {
      long pos = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
      return Decoded.invalid(List.of(jsonInvalid(pos, e.getOriginalMessage().contains("depth")
          ? "Maximum nesting depth exceeded" : "Value too long")));
    } catch (JsonProcessingException e) {
      long pos = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
      return Decoded.invalid(List.of(jsonInvalid(pos, reason(e))));
    } catch (IOException e) {
      return Decoded.invalid(List.of(jsonInvalid(0, "Expecting value")));
    }
  }

  private static boolean isBlank(byte[] b) {
    for (byte x : b) {
      if (x != ' ' && x != '\n' && x != '\r' && x != '\t') return false;
    }
    return true;
  }

  /** Maps Jackson's parse failure to the wording of Python's json module. */
  static String reason(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null) return "Expecting value";
    if (m.contains("end-of-input") && m.contains("String")) return "Unterminated string";
    if (m.contains("expecting comma") || m.contains("was expecting comma")) return "Expecting ',' delimiter";
    if (m.contains("was expecting a colon")) return "Expecting ':' delimiter";
    if (m.contains("was expecting double-quote to start field name")) return "Expecting property name enclosed in double quotes";
    if (m.contains("Illegal unquoted character") || m.contains("Illegal character")) return "Invalid control character";
    if (m.contains("Trailing token")) return "Extra data";
    if (e instanceof JsonParseException && m.contains("end-of-input")) return "Expecting value";
    return "Expecting value";
  }

  static ValidationError jsonInvalid(long pos, String reason) {
    ObjectNode ctx = JsonNodeFactory.instance.objectNode().put("error", reason);
    return new ValidationError("json_invalid", List.of("body", (int) Math.min(pos, Integer.MAX_VALUE)),
        "JSON decode error", JsonNodeFactory.instance.objectNode(), ctx);
  }

  /** {@code n} as orjson's {@code OPT_INDENT_2} writes it: two-space indents, {@code "key": value}. */
  public static String pretty(JsonNode n) {
    StringBuilder out = new StringBuilder();
    pretty(n, 0, out);
    return out.toString();
  }

  private static void pretty(JsonNode n, int depth, StringBuilder out) {
    if (n.isObject() && !n.isEmpty()) {
      out.append("{\n");
      java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        java.util.Map.Entry<String, JsonNode> e = it.next();
        out.append("  ".repeat(depth + 1)).append(com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey()))
            .append(": ");
        pretty(e.getValue(), depth + 1, out);
        out.append(it.hasNext() ? ",\n" : "\n");
      }
      out.append("  ".repeat(depth)).append('}');
    } else if (n.isArray() && !n.isEmpty()) {
      out.append("[\n");
      for (int i = 0; i < n.size(); i++) {
        out.append("  ".repeat(depth + 1));
        pretty(n.get(i), depth + 1, out);
        out.append(i < n.size() - 1 ? ",\n" : "\n");
      }
      out.append("  ".repeat(depth)).append(']');
    } else {
      out.append(n.toString());
    }
  }
}
