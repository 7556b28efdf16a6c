package dev.baton.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A table-driven object model: fields with validators and defaults, an extra-keys policy, optional
 * model-level checks, and a builder from the decoded values. Immutable after construction; the
 * {@code req/opt/...} calls are meant for static initialisers.
 *
 * <p>Three flavours: {@link #forbid} (action bodies and filters: unknown keys ⇒
 * {@code extra_forbidden}), {@link #ignore} (nested "full" models: unknown keys dropped) and
 * {@link #embedded} (FastAPI's multi-parameter bodies: unknown top-level keys ignored, JSON null ≡
 * absent, a non-object body makes every field {@code missing}, missing input is null).
 */
public final class Model<R> implements Type<R> {

  private enum Kind { FORBID, IGNORE, EMBEDDED }

  private record Field(String key, Type<?> type, boolean required, Object dflt) {}

  private final String name;
  private final Kind kind;
  private final List<Field> fields = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();
  private final List<Function<Vals, String>> checks = new ArrayList<>();
  private Function<Vals, R> builder;

  private Model(String name, Kind kind) {
    this.name = name;
    this.kind = kind;
  }

  public static <R> Model<R> forbid(String name) {
    return new Model<>(name, Kind.FORBID);
  }

  public static <R> Model<R> ignore(String name) {
    return new Model<>(name, Kind.IGNORE);
  }

  public static <R> Model<R> embedded(String name) {
    return new Model<>(name, Kind.EMBEDDED);
  }

  public String name() {
    return name;
  }

  public Model<R> req(String key, Type<?> type) {
    return add(new Field(key, type, true, null));
  }

  /** Optional field; {@code dflt} is used when absent (and, for embedded models, when null). */
  public Model<R> opt(String key, Type<?> type, Object dflt) {
    return add(new Field(key, type, false, dflt));
  }

  /** Optional field defaulting to null. */
  public Model<R> opt(String key, Type<?> type) {
    return opt(key, type, null);
  }

  private Model<R> add(Field f) {
    index.put(f.key(), fields.size());
    fields.add(f);
    return this;
  }

  /** A model-level check run after all fields decoded: returns an error text (→ value_error at the model's loc) or null. */
  public Model<R> validate(Function<Vals, String> check) {
    checks.add(check);
    return this;
  }

  public Model<R> build(Function<Vals, R> builder) {
    this.builder = builder;
    return this;
  }

  /** Decodes into the record, or returns null after recording errors in {@code c}. */
  @Override
  public R decode(JsonNode n, Ctx c) {
    int mark = c.mark();
    Vals vals = new Vals(n);
    if (kind == Kind.EMBEDDED) {
      if (n == null || n.isNull() || n.isMissingNode()) {
        n = null;
      } else if (!n.isObject()) {
        for (Field f : fields) {
          c.push(f.key()).missing(NullNode.instance);
          c.pop();
        }
        return null;
      }
    } else if (n == null || !n.isObject()) {
      // FastAPI validates request bodies with from_attributes=True, hence this error rather than model_type
      c.error("model_attributes_type", "Input should be a valid dictionary or object to extract fields from", n);
      return null;
    }
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      JsonNode v = n == null ? null : n.get(f.key());
      if (v != null && v.isNull() && kind == Kind.EMBEDDED) {
        v = null;
      }
      c.push(f.key());
      if (v == null) {
        if (f.required()) {
          c.missing(kind == Kind.EMBEDDED ? NullNode.instance : n);
        } else {
          vals.values[i] = f.dflt();
        }
      } else {
        vals.present[i] = true;
        vals.values[i] = f.type().decode(v, c);
      }
      c.pop();
    }
    if (kind == Kind.FORBID) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!index.containsKey(e.getKey())) {
          c.push(e.getKey()).error("extra_forbidden", "Extra inputs are not permitted", e.getValue());
          c.pop();
        }
      }
    }
    if (c.failedSince(mark)) return null;
    for (Function<Vals, String> check : checks) {
      String err = check.apply(vals);
      if (err != null) {
        c.valueError(err, n);
        return null;
      }
    }
    return builder.apply(vals);
  }

  /** {@link #decodeStream} met input it leaves to {@link #decode}: decode the tree instead. */
  static final class NotSimple extends Exception {
    private static final long serialVersionUID = 1L;

    private NotSimple() {
      super(null, null, false, false);
    }
  }

  static final NotSimple NOT_SIMPLE = new NotSimple();

  /**
   * Decodes the object the parser stands on (its {@code START_OBJECT}) without building a tree:
   * the value {@link #decode} returns for the same JSON, for input that decodes cleanly. Anything
   * else throws {@link #NOT_SIMPLE} — any validation error, a forbidden or duplicate key, a
   * missing required field, a failed model check, a non-object — and the caller decodes the tree,
   * which reaches the same outcome and builds the 422 from it. So this path only has to be right
   * on valid input: field values go through the same {@link Type}s (nested models stream too;
   * scalars become nodes directly, containers are read as subtrees by {@link Json#readValue}),
   * ignored keys are still read like the tree parser reads them (same limits). The model's
   * builder must not use {@link Vals#node()}.
   */
  R decodeStream(JsonParser p, Ctx c) throws IOException, NotSimple {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw NOT_SIMPLE;
    }
    int n = fields.size();
    Vals vals = new Vals(null, true);
    boolean[] seen = new boolean[n];
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      Integer i = index.get(p.currentName());
      JsonToken t = p.nextToken();
      if (i == null) {
        if (kind == Kind.FORBID) {
          throw NOT_SIMPLE;
        }
        Json.readValue(p);
        continue;
      }
      if (seen[i]) {
        throw NOT_SIMPLE; // the tree keeps the last value but reports errors in the first key's place
      }
      seen[i] = true;
      if (t == JsonToken.VALUE_NULL && kind == Kind.EMBEDDED) {
        continue; // JSON null is absent here: the default, or missing
      }
      Type<?> type = fields.get(i).type();
      Object v = type instanceof Model<?> m ? m.decodeStream(p, c) : type.decode(Json.readValue(p), c);
      if (!c.ok()) {
        throw NOT_SIMPLE;
      }
      vals.present[i] = true;
      vals.values[i] = v;
    }
    for (int i = 0; i < n; i++) {
      if (!vals.present[i]) {
        Field f = fields.get(i);
        if (f.required()) {
          throw NOT_SIMPLE;
        }
        vals.values[i] = f.dflt();
      }
    }
    for (Function<Vals, String> check : checks) {
      if (check.apply(vals) != null) {
        throw NOT_SIMPLE;
      }
    }
    return builder.apply(vals);
  }

  /** Decodes a whole request body rooted at {@code root} ("body"). */
  public Decoded<R> decodeBody(JsonNode body) {
    Ctx c = new Ctx("body");
    if (kind != Kind.EMBEDDED && (body == null || body.isMissingNode() || body.isNull())) {
      c.missing(NullNode.instance);
      return Decoded.invalid(c.errors());
    }
    R r = decode(body, c);
    return c.ok() ? Decoded.ok(r) : Decoded.invalid(c.errors());
  }

  /** The decoded field values of one object. */
  public final class Vals {
    final Object[] values = new Object[fields.size()];
    final boolean[] present = new boolean[fields.size()];
    private final JsonNode node;
    private final boolean streamed;

    Vals(JsonNode node) {
      this(node, false);
    }

    Vals(JsonNode node, boolean streamed) {
      this.node = node;
      this.streamed = streamed;
    }

    private int at(String key) {
      Integer i = index.get(key);
      if (i == null) throw new IllegalArgumentException(name + " has no field " + key);
      return i;
    }

    @SuppressWarnings("unchecked")
    public <V> V get(String key) {
      return (V) values[at(key)];
    }

    /** The value of {@code key}, or null when the model has no such field. */
    @SuppressWarnings("unchecked")
    public <V> V maybe(String key) {
      Integer i = index.get(key);
      return i == null ? null : (V) values[i];
    }

    public <V> V get(String key, V ifNull) {
      V v = get(key);
      return v == null ? ifNull : v;
    }

    /** True when the key was present in the input (even with a null value). */
    public boolean has(String key) {
      return present[at(key)];
    }

    /** The raw JSON object (null for an absent embedded body). */
    public JsonNode node() {
      if (streamed) {
        throw new IllegalStateException(name + " was decoded without a tree");
      }
      return node;
    }
  }
}
