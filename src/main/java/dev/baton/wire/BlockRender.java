package dev.baton.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.baton.domain.Blocks.BlockType;
import dev.baton.domain.Blocks.FullDocument;
import dev.baton.domain.Blocks.FullSchema;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Block types, schemas and documents as Prefect's API writes them (schemas/core.py). */
public final class BlockRender {
  private BlockRender() {}

  static void type(JsonGenerator g, BlockType t) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "id", t.id());
    Render.time(g, "created", t.created());
    Render.time(g, "updated", t.updated());
    Render.str(g, "name", t.name());
    Render.str(g, "slug", t.slug());
    Render.str(g, "logo_url", t.logoUrl());
    Render.str(g, "documentation_url", t.documentationUrl());
    Render.str(g, "description", t.description());
    Render.str(g, "code_example", t.codeExample());
    g.writeBooleanField("is_protected", t.isProtected());
    g.writeEndObject();
  }

  static void schema(JsonGenerator g, FullSchema s) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "id", s.schema().id());
    Render.time(g, "created", s.schema().created());
    Render.time(g, "updated", s.schema().updated());
    Render.str(g, "checksum", s.schema().checksum());
    g.writeFieldName("fields");
    g.writeTree(s.fields());
    Render.uuid(g, "block_type_id", s.schema().blockTypeId());
    g.writeFieldName("block_type");
    if (s.type() == null) {
      g.writeNull();
    } else {
      type(g, s.type());
    }
    g.writeArrayFieldStart("capabilities");
    for (String c : s.schema().capabilities()) {
      g.writeString(c);
    }
    g.writeEndArray();
    Render.str(g, "version", s.schema().version());
    g.writeEndObject();
  }

  static void document(JsonGenerator g, FullDocument d) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "id", d.doc().id());
    Render.time(g, "created", d.doc().created());
    Render.time(g, "updated", d.doc().updated());
    Render.str(g, "name", d.doc().name());
    g.writeFieldName("data");
    g.writeTree(d.data());
    Render.uuid(g, "block_schema_id", d.doc().blockSchemaId());
    g.writeFieldName("block_schema");
    if (d.schema() == null) {
      g.writeNull();
    } else {
      schema(g, d.schema());
    }
    Render.uuid(g, "block_type_id", d.doc().blockTypeId());
    Render.str(g, "block_type_name", d.doc().blockTypeName());
    g.writeFieldName("block_type");
    type(g, d.type());
    g.writeFieldName("block_document_references");
    references(g, d.references());
    g.writeBooleanField("is_anonymous", d.doc().isAnonymous());
    g.writeEndObject();
  }

  /** {@code {name: {"block_document": {id, name, block_type, is_anonymous, block_document_references}}}}. */
  private static void references(JsonGenerator g, Map<String, FullDocument> refs) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, FullDocument> e : refs.entrySet()) {
      FullDocument c = e.getValue();
      g.writeObjectFieldStart(e.getKey());
      g.writeObjectFieldStart("block_document");
      Render.uuid(g, "id", c.doc().id());
      Render.str(g, "name", c.doc().name());
      g.writeFieldName("block_type");
      type(g, c.type());
      g.writeBooleanField("is_anonymous", c.doc().isAnonymous());
      g.writeFieldName("block_document_references");
      references(g, c.references());
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  public static byte[] type(BlockType t) {
    return Render.bytes(g -> type(g, t));
  }

  public static byte[] types(List<BlockType> l) {
    return Render.list(l, BlockRender::type);
  }

  public static byte[] schema(FullSchema s) {
    return Render.bytes(g -> schema(g, s));
  }

  public static byte[] schemas(List<FullSchema> l) {
    return Render.list(l, BlockRender::schema);
  }

  public static byte[] document(FullDocument d) {
    return Render.bytes(g -> document(g, d));
  }

  public static byte[] documents(List<FullDocument> l) {
    return Render.list(l, BlockRender::document);
  }

  /** {@code ServerDefaultResultStorage}. */
  public static byte[] storage(UUID blockDocumentId) {
    return Render.bytes(g -> {
      g.writeStartObject();
      Render.uuid(g, "default_result_storage_block_id", blockDocumentId);
      g.writeEndObject();
    });
  }

  public static byte[] strings(List<String> l) {
    return Render.bytes(g -> {
      g.writeStartArray();
      for (String s : l) {
        g.writeString(s);
      }
      g.writeEndArray();
    });
  }
}
