package dev.baton.service.blocks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Blocks.BlockDocument;
import dev.baton.domain.Blocks.BlockSchema;
import dev.baton.domain.Blocks.BlockType;
import dev.baton.domain.Blocks.DocumentReference;
import dev.baton.domain.Blocks.FullDocument;
import dev.baton.domain.Blocks.FullSchema;
import dev.baton.domain.Blocks.SchemaReference;
import dev.baton.persistence.BlockStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Reading schemas and documents whole: nested schemas and referenced documents put back in. */
final class BlockReads {
  private BlockReads() {}

  /** The schemas {@code ids} as the API shows them, in the order of {@code ids} (missing ones left out). */
  static Future<List<FullSchema>> schemas(SqlClient c, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return BlockStore.schemaReferenceClosure(c, ids).compose(refs -> {
      Set<UUID> all = new LinkedHashSet<>(ids);
      refs.forEach(r -> all.add(r.referenceId()));
      return BlockStore.schemasWithTypes(c, new ArrayList<>(all)).map(rows -> {
        Map<UUID, BlockSchema> known = new HashMap<>();
        Map<UUID, BlockType> types = new HashMap<>();
        for (Object[] row : rows) {
          BlockSchema s = (BlockSchema) row[0];
          BlockType t = (BlockType) row[1];
          known.put(s.id(), s);
          types.put(t.id(), t);
        }
        return new ArrayList<>(SchemaFields.rebuild(ids, known, types, refs).values());
      });
    });
  }

  static Future<FullSchema> schema(SqlClient c, UUID id) {
    return schemas(c, List.of(id)).map(l -> l.isEmpty() ? null : l.get(0));
  }

  /**
   * The documents {@code ids} as the API shows them, in the order of {@code ids}: data decrypted,
   * each referenced document's data under its key, secrets obfuscated unless {@code includeSecrets}.
   */
  static Future<List<FullDocument>> documents(SqlClient c, BlockKeys keys, List<UUID> ids, boolean includeSecrets) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return BlockStore.documentReferenceClosure(c, ids).compose(refs -> {
      Set<UUID> all = new LinkedHashSet<>(ids);
      refs.forEach(r -> all.add(r.referenceId()));
      return BlockStore.documentsWithTypes(c, new ArrayList<>(all)).compose(rows -> {
        Set<UUID> schemaIds = new LinkedHashSet<>();
        rows.values().forEach(r -> schemaIds.add(((BlockDocument) r[0]).blockSchemaId()));
        return schemas(c, new ArrayList<>(schemaIds)).compose(schemas -> keys.forRead().map(cipher -> {
          Map<UUID, FullSchema> bySchema = new HashMap<>();
          schemas.forEach(s -> bySchema.put(s.schema().id(), s));
          Map<UUID, List<DocumentReference>> byParent = new HashMap<>();
          refs.forEach(r -> byParent.computeIfAbsent(r.parentId(), k -> new ArrayList<>()).add(r));
          Hydration h = new Hydration(rows, bySchema, byParent, cipher, includeSecrets);
          List<FullDocument> out = new ArrayList<>();
          for (UUID id : ids) {
            if (rows.containsKey(id)) {
              out.add(h.build(id, true, new HashSet<>()));
            }
          }
          return out;
        }));
      });
    });
  }

  static Future<FullDocument> document(SqlClient c, BlockKeys keys, UUID id, boolean includeSecrets) {
    return documents(c, keys, List.of(id), includeSecrets).map(l -> l.isEmpty() ? null : l.get(0));
  }

  private record Hydration(Map<UUID, Object[]> rows, Map<UUID, FullSchema> schemas,
      Map<UUID, List<DocumentReference>> byParent, DataCipher cipher, boolean includeSecrets) {

    FullDocument build(UUID id, boolean root, Set<UUID> path) {
      Object[] row = rows.get(id);
      BlockDocument doc = (BlockDocument) row[0];
      BlockType type = (BlockType) row[1];
      FullSchema schema = schemas.get(doc.blockSchemaId());
      ObjectNode data = cipher.decrypt(doc.data());
      if (!includeSecrets && schema != null) {
        Secrets.obfuscate(data, Secrets.paths(schema.fields()));
      }
      Map<String, FullDocument> references = new LinkedHashMap<>();
      path.add(id);
      for (DocumentReference r : byParent.getOrDefault(id, List.of())) {
        if (!rows.containsKey(r.referenceId()) || path.contains(r.referenceId())) {
          continue;
        }
        FullDocument child = build(r.referenceId(), false, path);
        data.set(r.name(), child.data());
        references.put(r.name(), child);
      }
      path.remove(id);
      return new FullDocument(doc, data, root ? schema : null, type, references);
    }
  }
}
