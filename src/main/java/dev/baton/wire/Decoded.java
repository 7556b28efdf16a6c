package dev.baton.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Function;

/**
 * The outcome of decoding a request: a value, or a 422 with a pydantic error list, or a 422 with a
 * plain {@code {"detail": …}} (handler-raised checks such as the limit rule).
 */
public final class Decoded<T> {
  private final T value;
  private final List<ValidationError> errors;
  private final String detail;

  private Decoded(T value, List<ValidationError> errors, String detail) {
    this.value = value;
    this.errors = errors;
    this.detail = detail;
  }

  public static <T> Decoded<T> ok(T value) {
    return new Decoded<>(value, List.of(), null);
  }

  public static <T> Decoded<T> invalid(List<ValidationError> errors) {
    if (errors.isEmpty()) throw new IllegalArgumentException("no errors");
    return new Decoded<>(null, List.copyOf(errors), null);
  }

  public static <T> Decoded<T> detail(String detail) {
    return new Decoded<>(null, List.of(), detail);
  }

  public boolean isOk() {
    return errors.isEmpty() && detail == null;
  }

  /** The decoded value; throws if this is an error. */
  public T value() {
    if (!isOk()) throw new IllegalStateException("not ok: " + (detail != null ? detail : errors));
    return value;
  }

  public List<ValidationError> errors() {
    return errors;
  }

  /** Non-null for a handler-style 422 {@code {"detail": …}}. */
  public String detail() {
    return detail;
  }

  public <U> Decoded<U> map(Function<T, U> f) {
    return isOk() ? ok(f.apply(value)) : new Decoded<>(null, errors, detail);
  }

  /** The 422 response body for a failure (either shape); {@code requestBody} is echoed (may be null). */
  public ObjectNode errorBody(JsonNode requestBody) {
    if (isOk()) throw new IllegalStateException("ok");
    return detail != null ? Render.detailNode(detail) : Render.validationErrorNode(errors, requestBody);
  }

  @Override
  public String toString() {
    return isOk() ? "ok(" + value + ")" : detail != null ? "detail(" + detail + ")" : "invalid(" + errors + ")";
  }
}
