package dev.baton.service.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Blocks.BlockSchema;
import dev.baton.domain.Blocks.BlockType;
import dev.baton.domain.Blocks.FullSchema;
import dev.baton.domain.Blocks.SchemaReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A block schema's {@code fields} as Prefect treats them (blocks/core.py, models/block_schemas.py):
 * the checksum, what is stored (nested blocks' definitions and {@code block_schema_references} are
 * kept apart), the definition of a nested block, and the fields rebuilt for reading.
 */
public final class SchemaFields {
  private SchemaFields() {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final String REFERENCES = "block_schema_references";
  static final String DEFINITIONS = "definitions";
  private static final String DEFINITION_PREFIX = "#/definitions/";

  /** Prefect's {@code Block._calculate_schema_checksum(fields)}. */
  public static String checksum(ObjectNode fields) {
    ObjectNode copy = (ObjectNode) withoutKey(fields, "secret_fields");
    JsonNode defs = copy.get(DEFINITIONS);
    if (truthy(defs) && defs instanceof ObjectNode d) {
      ObjectNode nonBlock = nonBlockDefinitions(copy, d);
      if (nonBlock.isEmpty()) {
        copy.remove(DEFINITIONS);
      } else {
        copy.set(DEFINITIONS, nonBlock);
      }
    }
    return PyJson.checksum(copy);
  }

  /** {@code obj} without {@code key} in any object, recursively through objects (not arrays), as a copy. */
  static JsonNode withoutKey(JsonNode obj, String key) {
    if (!(obj instanceof ObjectNode o)) {
      return obj;
    }
    ObjectNode out = F.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals(key)) {
        out.set(e.getKey(), e.getValue() instanceof ObjectNode ? withoutKey(e.getValue(), key) : e.getValue());
      }
    }
    return out;
  }

  static boolean truthy(JsonNode n) {
    return dev.baton.domain.Blocks.truthy(n);
  }

  /** Every truthy {@code $ref} value under {@code obj}, depth first, in document order. */
  static List<JsonNode> references(JsonNode obj) {
    List<JsonNode> out = new ArrayList<>();
    collect(obj, out);
    return out;
  }

  private static void collect(JsonNode obj, List<JsonNode> out) {
    if (obj instanceof ObjectNode o) {
      JsonNode ref = o.get("$ref");
      if (truthy(ref)) {
        out.add(ref);
      }
      o.elements().forEachRemaining(v -> collect(v, out));
    } else if (obj instanceof ArrayNode a) {
      a.elements().forEachRemaining(v -> collect(v, out));
    }
  }

  private static String definitionKey(String ref) {
    return ref.replace(DEFINITION_PREFIX, "");
  }

  /**
   * The definitions referenced from {@code obj} (and, transitively, from them) that are not
   * blocks (no {@code block_type_slug}): Prefect's {@code _get_non_block_reference_definitions}.
   * A definition met again is not followed twice (Prefect recurses without end on cycles).
   */
  static ObjectNode nonBlockDefinitions(JsonNode obj, ObjectNode defs) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    nonBlock(obj, defs, out, new HashSet<>());
    ObjectNode o = F.objectNode();
    out.forEach(o::set);
    return o;
  }

  private static void nonBlock(JsonNode obj, ObjectNode defs, Map<String, JsonNode> out, Set<String> seen) {
    for (JsonNode ref : references(obj)) {
      if (!ref.isTextual()) {
        continue;
      }
      String key = definitionKey(ref.textValue());
      JsonNode def = defs.get(key);
      if (def instanceof ObjectNode d && truthy(d) && isNull(d.get("block_type_slug"))) {
        out.remove(key);
        out.put(key, d);
        if (seen.add(key)) {
          nonBlock(d, defs, out, seen);
        }
      }
    }
  }

  private static boolean isNull(JsonNode n) {
    return n == null || n.isNull();
  }

  /** What a schema create stores, and what it keeps apart. */
  public record Prepared(String checksum, ObjectNode stored, ObjectNode references, ObjectNode definitions) {}

  /**
   * Prefect's create: the checksum over {@code fields} (with {@code definitions} — the parent's,
   * for a nested schema — in place of its own), the fields to store (only non-block definitions
   * kept, {@code block_schema_references} removed), the references and all the definitions.
   */
  public static Prepared prepare(ObjectNode fields, ObjectNode parentDefinitions) {
    ObjectNode f = fields.deepCopy();
    JsonNode own = f.get(DEFINITIONS);
    ObjectNode defs = truthy(parentDefinitions) ? parentDefinitions
        : own instanceof ObjectNode o && truthy(o) ? o : null;
    if (defs != null) {
      f.set(DEFINITIONS, defs);
    }
    String checksum = checksum(f);
    if (defs != null) {
      ObjectNode nonBlock = nonBlockDefinitions(f, defs);
      if (nonBlock.isEmpty()) {
        f.remove(DEFINITIONS);
      } else {
        f.set(DEFINITIONS, nonBlock);
      }
    }
    JsonNode refs = f.remove(REFERENCES);
    return new Prepared(checksum, f, refs instanceof ObjectNode r ? r : F.objectNode(), defs);
  }

  /** One entry of {@code block_schema_references}: a nested block under a field. */
  public record Reference(String name, String blockTypeSlug, String checksum) {}

  /**
   * The references of a schema, one per nested block (a field holding a union of blocks has a list);
   * null entries where an entry is malformed are reported by {@link #malformed}.
   */
  public static List<Reference> references(ObjectNode refs) {
    List<Reference> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = refs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      List<JsonNode> entries = new ArrayList<>();
      if (e.getValue() instanceof ArrayNode a) {
        a.forEach(entries::add);
      } else {
        entries.add(e.getValue());
      }
      for (JsonNode entry : entries) {
        JsonNode slug = entry.get("block_type_slug");
        JsonNode sum = entry.get("block_schema_checksum");
        out.add(new Reference(e.getKey(), slug != null && slug.isTextual() ? slug.textValue() : null,
            sum != null && sum.isTextual() ? sum.textValue() : null));
      }
    }
    return out;
  }

  /** The reason a reference entry cannot be used, or null. */
  public static String malformed(Reference r) {
    if (r.blockTypeSlug() == null || r.checksum() == null) {
      return "Invalid block schema reference under '" + r.name() + "'"
          + ": block_type_slug and block_schema_checksum must be strings.";
    }
    return null;
  }

  /**
   * The definition of the nested block under {@code name} ({@code _get_fields_for_child_schema}):
   * the only one its property refers to, or the one of those whose {@code block_type_slug} is
   * {@code slug}; null when there is none.
   */
  public static ObjectNode childFields(ObjectNode definitions, ObjectNode baseFields, String name, String slug) {
    JsonNode props = baseFields.get("properties");
    JsonNode spec = props instanceof ObjectNode p ? p.get(name) : null;
    if (spec == null || definitions == null) {
      return null;
    }
    List<JsonNode> refs = references(spec);
    if (refs.size() == 1) {
      return refs.get(0).isTextual() && definitions.get(definitionKey(refs.get(0).textValue())) instanceof ObjectNode d
          ? d : null;
    }
    for (JsonNode ref : refs) {
      if (ref.isTextual() && definitions.get(definitionKey(ref.textValue())) instanceof ObjectNode d
          && d.get("block_type_slug") != null && slug.equals(d.get("block_type_slug").asText(null))) {
        return d;
      }
    }
    return null;
  }

  // ---- reading -------------------------------------------------------------------------------

  /**
   * The schemas' fields as the API shows them ({@code _construct_full_block_schema}): each with
   * {@code block_schema_references} (checksum and type slug of each nested schema, a list where a
   * field has several) and the nested schemas' own fields added to {@code definitions} under their
   * titles, recursively. {@code known} holds every schema reachable from the roots, with its type.
   */
  public static Map<UUID, FullSchema> rebuild(List<UUID> roots, Map<UUID, BlockSchema> known,
      Map<UUID, BlockType> types, List<SchemaReference> references) {
    Map<UUID, List<SchemaReference>> byParent = new HashMap<>();
    for (SchemaReference r : references) {
      byParent.computeIfAbsent(r.parentId(), k -> new ArrayList<>()).add(r);
    }
    Map<UUID, FullSchema> out = new LinkedHashMap<>();
    for (UUID id : roots) {
      BlockSchema s = known.get(id);
      if (s != null) {
        out.put(id, new FullSchema(s, types.get(s.blockTypeId()), fields(s, known, types, byParent, new HashSet<>())));
      }
    }
    return out;
  }

  private static ObjectNode fields(BlockSchema s, Map<UUID, BlockSchema> known, Map<UUID, BlockType> types,
      Map<UUID, List<SchemaReference>> byParent, Set<UUID> path) {
    ObjectNode f = s.fields().deepCopy();
    ObjectNode refs = F.objectNode();
    ObjectNode defs = F.objectNode();
    path.add(s.id());
    for (SchemaReference r : byParent.getOrDefault(s.id(), List.of())) {
      BlockSchema child = known.get(r.referenceId());
      if (child == null) {
        continue;
      }
      BlockType childType = types.get(child.blockTypeId());
      ObjectNode entry = F.objectNode()
          .put("block_schema_checksum", child.checksum())
          .put("block_type_slug", childType == null ? null : childType.slug());
      JsonNode existing = refs.get(r.name());
      if (existing == null) {
        refs.set(r.name(), entry);
      } else if (existing instanceof ArrayNode a) {
        if (!contains(a, entry)) {
          a.add(entry);
        }
      } else if (!existing.equals(entry)) {
        refs.set(r.name(), F.arrayNode().add(existing).add(entry));
      }
      if (path.contains(child.id())) {
        continue; // a cycle cannot be created; never follow one
      }
      ObjectNode childFields = fields(child, known, types, byParent, path);
      JsonNode title = childFields.get("title");
      if (title != null && !title.isNull()) {
        JsonNode childDefs = childFields.remove(DEFINITIONS);
        defs.set(title.asText(), childFields);
        if (childDefs instanceof ObjectNode cd) {
          defs.setAll(cd);
        }
      }
    }
    path.remove(s.id());
    f.set(REFERENCES, refs);
    JsonNode own = f.get(DEFINITIONS);
    if (!defs.isEmpty() || truthy(own)) {
      ObjectNode merged = own instanceof ObjectNode o ? o.deepCopy() : F.objectNode();
      merged.setAll(defs);
      f.set(DEFINITIONS, merged);
    }
    return f;
  }

  private static boolean contains(ArrayNode a, JsonNode e) {
    for (JsonNode x : a) {
      if (x.equals(e)) {
        return true;
      }
    }
    return false;
  }
}
