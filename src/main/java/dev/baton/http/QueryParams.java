package dev.baton.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.wire.Decoded;
import dev.baton.wire.ValidationError;
import java.util.List;
import java.util.UUID;

/** Query-string parameters, validated with the same 422 shapes as bodies ({@code loc: ["query", name]}). */
final class QueryParams {
  private QueryParams() {}

  static Decoded<UUID> uuid(String name, String raw) {
    if (raw == null) {
      return Decoded.invalid(List.of(new ValidationError("missing", List.of("query", name), "Field required",
          JsonNodeFactory.instance.nullNode(), null)));
    }
    UUID id = PathIds.parse(raw);
    if (id == null) {
      ObjectNode ctx = JsonNodeFactory.instance.objectNode().put("error", "invalid character or length");
      return Decoded.invalid(List.of(new ValidationError("uuid_parsing", List.of("query", name),
          "Input should be a valid UUID, invalid character or length", JsonNodeFactory.instance.textNode(raw), ctx)));
    }
    return Decoded.ok(id);
  }
}
