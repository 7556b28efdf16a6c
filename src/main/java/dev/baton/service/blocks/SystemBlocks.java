package dev.baton.service.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Blocks.BlockType;
import dev.baton.domain.Ids;
import dev.baton.persistence.BlockStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The block types and schemas every server has: Prefect's core blocks (Secret, Webhook,
 * LocalFileSystem — protected —, the notification blocks, RemoteFileSystem, SMB), as Prefect's
 * own classes describe them ({@code blocks/system-blocks.json}, generated from Prefect's source).
 * Registered at start by every instance, each block in its own transaction, idempotently: a type
 * is created or brought up to date, a schema is added when its checksum and version are new.
 */
public final class SystemBlocks {
  static final String RESOURCE = "/blocks/system-blocks.json";

  /** One system block: its type and the schema fields, capabilities and version of its class. */
  record SystemBlock(BlockType type, ObjectNode fields, List<String> capabilities, String version, String checksum) {}

  private static volatile List<SystemBlock> loaded;

  private final Pool pool;
  private final BlockSchemas schemas;

  SystemBlocks(Pool pool, BlockSchemas schemas) {
    this.pool = pool;
    this.schemas = schemas;
  }

  /** The blocks of the resource, in its order (protected ones first). */
  static List<SystemBlock> blocks() {
    List<SystemBlock> l = loaded;
    if (l == null) {
      try (InputStream in = SystemBlocks.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the class path");
        }
        l = parse(new ObjectMapper().readTree(in));
        loaded = l;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return l;
  }

  static List<SystemBlock> parse(JsonNode doc) {
    List<SystemBlock> out = new ArrayList<>();
    for (JsonNode b : doc.get("block_types")) {
      JsonNode s = b.get("block_schema");
      List<String> caps = new ArrayList<>();
      s.get("capabilities").forEach(c -> caps.add(c.textValue()));
      BlockType t = new BlockType(null, null, null, b.get("name").textValue(), b.get("slug").textValue(),
          text(b, "logo_url"), text(b, "documentation_url"), BlockTypes.escape(text(b, "description")),
          BlockTypes.escape(text(b, "code_example")), b.get("is_protected").booleanValue());
      out.add(new SystemBlock(t, (ObjectNode) s.get("fields"), caps, s.get("version").textValue(),
          s.get("checksum").textValue()));
    }
    return out;
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? null : v.textValue();
  }

  /**
   * Registers the system blocks: all of them at start, only the protected ones for {@code POST
   * /block_types/install_system_block_types} (as Prefect's route does).
   */
  public Future<Void> install(boolean protectedOnly) {
    Future<Void> f = Future.succeededFuture();
    for (SystemBlock b : blocks()) {
      if (!protectedOnly || b.type().isProtected()) {
        f = f.compose(x -> installOne(b));
      }
    }
    return f;
  }

  private Future<Void> installOne(SystemBlock b) {
    BlockType t = b.type();
    BlockType row = new BlockType(Ids.uuid7(), null, null, t.name(), t.slug(), t.logoUrl(), t.documentationUrl(),
        t.description(), t.codeExample(), t.isProtected());
    return pool.withTransaction(c -> BlockStore.upsertType(c, row, t.isProtected())
        .compose(x -> BlockStore.typeBySlug(c, t.slug()))
        .compose(type -> schemas.register(c, b.fields(), type.id(), b.capabilities(), b.version(), null))
        .mapEmpty());
  }
}
