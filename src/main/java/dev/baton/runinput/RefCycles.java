package dev.baton.runinput;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.regex.RegularExpression;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds a {@code $ref} cycle that validation of this instance would enter without consuming any
 * of the instance (where Python's validator hits its recursion limit). Recursive schemas that
 * descend into the instance (trees) are fine. Also resolves local {@code $ref}s.
 */
final class RefCycles {
  private static final class Circular extends Exception {
    Circular() {
      super(null, null, false, false);
    }
  }

  private final JsonNode root;
  private final Set<JsonNode> chain = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<JsonNode, Set<JsonNode>> done = new IdentityHashMap<>();

  private RefCycles(JsonNode root) {
    this.root = root;
  }

  private void check(JsonNode schema, JsonNode instance) throws Circular {
    if (schema == null || !schema.isObject()) return;
    Set<JsonNode> seen = done.computeIfAbsent(schema, k -> Collections.newSetFromMap(new IdentityHashMap<>()));
    if (seen.contains(instance)) return;
    if (!chain.add(schema)) throw new Circular();
    try {
      JsonNode ref = schema.get("$ref");
      if (ref != null && ref.isTextual()) check(resolve(root, ref.textValue()), instance);
      for (String k : new String[] {"allOf", "anyOf", "oneOf"}) {
        JsonNode l = schema.get(k);
        if (l != null && l.isArray()) {
          for (JsonNode sub : l) check(sub, instance);
        }
      }
      for (String k : new String[] {"not", "if", "then", "else"}) check(schema.get(k), instance);
      JsonNode dep = schema.get("dependentSchemas");
      if (dep != null && dep.isObject() && instance.isObject()) {
        for (Iterator<String> it = dep.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          if (instance.has(k)) check(dep.get(k), instance);
        }
      }
    } finally {
      chain.remove(schema);
    }
    List<JsonNode> saved = new ArrayList<>(chain);
    chain.clear();
    try {
      descend(schema, instance);
    } finally {
      chain.addAll(saved);
    }
    seen.add(instance);
  }

  private void descend(JsonNode schema, JsonNode instance) throws Circular {
    if (instance.isObject()) {
      JsonNode props = schema.get("properties");
      JsonNode patterns = schema.get("patternProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = instance.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        boolean matched = false;
        if (props != null && props.has(e.getKey())) {
          matched = true;
          check(props.get(e.getKey()), e.getValue());
        }
        if (patterns != null && patterns.isObject()) {
          for (Iterator<String> pit = patterns.fieldNames(); pit.hasNext(); ) {
            String p = pit.next();
            RegularExpression re;
            try {
              re = SafeRegex.compile(p);
            } catch (RuntimeException ex) {
              continue;
            }
            if (re.matches(e.getKey())) {
              matched = true;
              check(patterns.get(p), e.getValue());
            }
          }
        }
        if (!matched) check(schema.get("additionalProperties"), e.getValue());
        check(schema.get("unevaluatedProperties"), e.getValue());
        check(schema.get("propertyNames"), JsonNodeFactory.instance.textNode(e.getKey()));
      }
    } else if (instance.isArray()) {
      JsonNode prefix = schema.get("prefixItems");
      int n = prefix != null && prefix.isArray() ? prefix.size() : 0;
      for (int i = 0; i < instance.size(); i++) {
        if (i < n) check(prefix.get(i), instance.get(i));
        else check(schema.get("items"), instance.get(i));
        check(schema.get("contains"), instance.get(i));
        check(schema.get("unevaluatedItems"), instance.get(i));
      }
    }
  }

  /** True when validating {@code instance} against {@code root} would enter a {@code $ref} cycle. */
  static boolean found(JsonNode root, JsonNode instance) {
    try {
      new RefCycles(root).check(root, instance);
      return false;
    } catch (Circular e) {
      return true;
    }
  }

  /** Resolves a local {@code #…} JSON-pointer reference in {@code root}; null otherwise. */
  static JsonNode resolve(JsonNode root, String ref) {
    if (!ref.startsWith("#")) return null;
    String frag = URLDecoder.decode(ref.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
    if (frag.isEmpty()) return root;
    if (!frag.startsWith("/")) return null;
    try {
      JsonNode n = root.at(JsonPointer.compile(frag));
      return n.isMissingNode() ? null : n;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
