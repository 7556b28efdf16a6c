package dev.baton.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Blocks (Prefect's block types, block schemas and block documents): the stored rows, the
 * validated commands, and the hydrated views the API answers with.
 */
public final class Blocks {
  private Blocks() {}

  /**
   * Python's truth value of a JSON value, as Prefect's checks see them: absent, {@code null},
   * false, 0, "", [] and {} are false.
   */
  public static boolean truthy(JsonNode n) {
    if (n == null || n.isNull()) {
      return false;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isNumber()) {
      return n.doubleValue() != 0.0;
    }
    if (n.isTextual()) {
      return !n.textValue().isEmpty();
    }
    return n.size() > 0;
  }

  /** A block type row. */
  public record BlockType(UUID id, Instant created, Instant updated, String name, String slug, String logoUrl,
      String documentationUrl, String description, String codeExample, boolean isProtected) {}

  /**
   * A block schema row: {@code fields} as stored (without {@code block_schema_references} and
   * without the definitions of nested blocks).
   */
  public record BlockSchema(UUID id, Instant created, Instant updated, String checksum, ObjectNode fields,
      List<String> capabilities, String version, UUID blockTypeId) {}

  /** A reference row between block schemas: {@code parent.fields.properties[name]} is the nested block. */
  public record SchemaReference(UUID parentId, String name, UUID referenceId) {}

  /**
   * A block schema as the API shows it: its type, and its fields with {@code block_schema_references}
   * and the nested blocks' definitions put back.
   */
  public record FullSchema(BlockSchema schema, BlockType type, ObjectNode fields) {}

  /** A block document row; {@code data} is the encrypted envelope as stored. */
  public record BlockDocument(UUID id, Instant created, Instant updated, String name, JsonNode data,
      boolean isAnonymous, String blockTypeName, UUID blockTypeId, UUID blockSchemaId) {}

  /** A reference row between block documents: {@code parent.data[name]} is the referenced document. */
  public record DocumentReference(UUID id, UUID parentId, String name, UUID referenceId) {}

  /**
   * A block document as the API shows it: its data decrypted, the referenced documents' data put in
   * under their keys, secrets obfuscated unless asked for; {@code references} (Prefect's {@code
   * block_document_references}) by key. {@code schema} is null for a referenced document.
   */
  public record FullDocument(BlockDocument doc, ObjectNode data, FullSchema schema, BlockType type,
      Map<String, FullDocument> references) {}

  // ---- commands --------------------------------------------------------------------------------

  /** {@code POST /block_types/}: name and slug already validated. */
  public record BlockTypeCreate(String name, String slug, String logoUrl, String documentationUrl, String description,
      String codeExample) {}

  /** {@code PATCH /block_types/{id}}: only the keys present change (values may be null). */
  public record BlockTypeUpdate(Map<String, String> present) {}

  /** {@code POST /block_schemas/}. */
  public record BlockSchemaCreate(ObjectNode fields, UUID blockTypeId, List<String> capabilities, String version) {}

  /** {@code POST /block_documents/}: {@code name} null only for an anonymous document. */
  public record BlockDocumentCreate(String name, ObjectNode data, UUID blockSchemaId, UUID blockTypeId,
      boolean isAnonymous) {}

  /**
   * {@code PATCH /block_documents/{id}}: {@code data} null when absent (nothing of the data changes
   * unless {@code mergeExistingData} is false, which replaces it with {@code {}}, as Prefect does).
   */
  public record BlockDocumentUpdate(UUID blockSchemaId, ObjectNode data, boolean mergeExistingData) {}
}
