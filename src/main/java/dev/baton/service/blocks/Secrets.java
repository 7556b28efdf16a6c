package dev.baton.service.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A block schema's {@code secret_fields} applied to a document's data: dotted paths ({@code "a"},
 * {@code "child.token"}) and wildcards ({@code "headers.*"}: everything under {@code headers}).
 * Prefect works on the data flattened into key tuples (only non-empty objects are descended into);
 * these walk the tree the same way.
 */
public final class Secrets {
  private Secrets() {}

  /** What every obfuscated value reads as (Prefect's {@code obfuscate()}). */
  public static final String OBFUSCATED = "********";

  /** The secret field paths of a schema's fields ({@code secret_fields}, strings only). */
  public static List<List<String>> paths(ObjectNode schemaFields) {
    List<List<String>> out = new ArrayList<>();
    JsonNode sf = schemaFields == null ? null : schemaFields.get("secret_fields");
    if (sf != null && sf.isArray()) {
      for (JsonNode p : sf) {
        if (p.isTextual()) {
          out.add(List.of(p.textValue().split("\\.", -1)));
        }
      }
    }
    return out;
  }

  /**
   * Replaces every secret value of {@code data} (changed in place) with {@link #OBFUSCATED}. A path
   * naming a non-empty object hides the whole object (Prefect leaves such values in clear text:
   * docs/compatibility.md, Blocks); a JSON null at a plain path stays null.
   */
  public static void obfuscate(ObjectNode data, List<List<String>> paths) {
    for (List<String> path : paths) {
      Located exact = locate(data, path);
      if (exact != null && !exact.value().isNull()) {
        exact.replace(TextNode.valueOf(OBFUSCATED));
        continue;
      }
      int star = path.indexOf("*");
      if (star < 0) {
        continue;
      }
      Located under = star == 0 ? new Located(null, null, data) : locate(data, path.subList(0, star));
      if (under == null) {
        continue;
      }
      if (under.value() instanceof ObjectNode o && !o.isEmpty()) {
        hideLeaves(o);
      } else if (under.parent() != null) {
        // the flattened key is the prefix itself (a value, or an empty object): hidden too
        under.replace(TextNode.valueOf(OBFUSCATED));
      }
    }
  }

  /** Every leaf under {@code o}: values that are not objects, and empty objects. */
  private static void hideLeaves(ObjectNode o) {
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue() instanceof ObjectNode child && !child.isEmpty()) {
        hideLeaves(child);
      } else {
        e.setValue(TextNode.valueOf(OBFUSCATED));
      }
    }
  }

  /**
   * Puts the current secret values back where {@code update} carries {@link #OBFUSCATED} for them
   * (a client that read the document without secrets and sends it back unchanged); {@code update}
   * is changed in place. Prefect does this before merging; a value whose current counterpart is
   * missing is kept as sent (Prefect fails with a 500 there).
   */
  public static void restore(ObjectNode update, ObjectNode current, List<List<String>> paths) {
    for (List<String> path : paths) {
      Located now = locate(current, path);
      if (now != null && !now.value().isNull()) {
        Located sent = locate(update, path);
        if (sent != null && isObfuscated(sent.value())) {
          sent.replace(now.value().deepCopy());
        }
        continue;
      }
      int star = path.indexOf("*");
      if (star < 0) {
        continue;
      }
      List<String> prefix = path.subList(0, star);
      Located under = star == 0 ? new Located(null, null, update) : locate(update, prefix);
      if (under == null) {
        continue;
      }
      if (under.value() instanceof ObjectNode o && !o.isEmpty()) {
        restoreLeaves(o, new ArrayList<>(prefix), current);
      } else if (under.parent() != null && isObfuscated(under.value())) {
        Located old = locate(current, prefix);
        if (old != null) {
          under.replace(old.value().deepCopy());
        }
      }
    }
  }

  private static void restoreLeaves(ObjectNode o, List<String> at, ObjectNode current) {
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      at.add(e.getKey());
      if (e.getValue() instanceof ObjectNode child && !child.isEmpty()) {
        restoreLeaves(child, at, current);
      } else if (isObfuscated(e.getValue())) {
        Located old = locate(current, at);
        if (old != null) {
          e.setValue(old.value().deepCopy());
        }
      }
      at.remove(at.size() - 1);
    }
  }

  private static boolean isObfuscated(JsonNode n) {
    return n.isTextual() && n.textValue().equals(OBFUSCATED);
  }

  /** A value found at a path: its parent object and key (null for the root), and the value. */
  private record Located(ObjectNode parent, String key, JsonNode value) {
    void replace(JsonNode v) {
      parent.set(key, v);
    }
  }

  /** The value at {@code path}, descending through objects only; null when absent. */
  private static Located locate(ObjectNode root, List<String> path) {
    if (path.isEmpty()) {
      return null;
    }
    ObjectNode at = root;
    for (int i = 0; i < path.size() - 1; i++) {
      if (!(at.get(path.get(i)) instanceof ObjectNode next)) {
        return null;
      }
      at = next;
    }
    String last = path.get(path.size() - 1);
    JsonNode v = at.get(last);
    return v == null ? null : new Located(at, last, v);
  }
}
