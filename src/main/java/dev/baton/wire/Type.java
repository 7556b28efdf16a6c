package dev.baton.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * A field validator: decodes a present JSON value (never Java null, may be a JSON null) at the
 * context's current location. On failure it records errors in {@code c} and returns null; callers
 * detect failure with {@link Ctx#mark()}/{@link Ctx#failedSince(int)}.
 */
@FunctionalInterface
public interface Type<V> {
  V decode(JsonNode n, Ctx c);

  /** Accepts JSON null as Java null. */
  default Type<V> nullable() {
    Type<V> self = this;
    return (n, c) -> n.isNull() ? null : self.decode(n, c);
  }

  /** A custom check after a successful decode: {@code check} returns an error text (→ value_error) or null. */
  default Type<V> check(Function<V, String> check) {
    Type<V> self = this;
    return (n, c) -> {
      int m = c.mark();
      V v = self.decode(n, c);
      if (v == null || c.failedSince(m)) return v;
      String err = check.apply(v);
      if (err != null) {
        c.valueError(err, n);
        return null;
      }
      return v;
    };
  }

  default <U> Type<U> map(Function<V, U> f) {
    Type<V> self = this;
    return (n, c) -> {
      int m = c.mark();
      V v = self.decode(n, c);
      return v == null || c.failedSince(m) ? null : f.apply(v);
    };
  }
}
