package dev.baton.service.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.persistence.BlockStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys block document data is encrypted with (docs/compatibility.md, Blocks): the configured
 * one ({@code BATON_ENCRYPTION_KEY}) when set, else one generated on first use and kept in the
 * {@code configuration} table (key {@code ENCRYPTION_KEY}), as Prefect keeps its Fernet key. Data
 * written under the stored key stays readable after a key is configured. The stored key is read
 * and created on the pool, outside the caller's transaction, so a rolled-back request can never
 * leave this instance with a key the database does not have.
 */
public final class BlockKeys {
  static final String CONFIG_KEY = "ENCRYPTION_KEY";
  private static final String FIELD = "aes256_key";

  private final Pool pool;
  private final DataCipher.Key configured;
  private volatile DataCipher.Key stored;

  /** @param configured base64 of 32 bytes, or null */
  public BlockKeys(Pool pool, String configured) {
    this.pool = pool;
    this.configured = configured == null ? null : DataCipher.Key.decode(configured);
  }

  /** A cipher that decrypts with every key known (the stored one read when there is one). */
  Future<DataCipher> forRead() {
    if (stored != null) {
      return Future.succeededFuture(cipher(stored));
    }
    return BlockStore.config(pool, CONFIG_KEY).map(v -> {
      DataCipher.Key k = parse(v);
      if (k != null) {
        stored = k;
      }
      return cipher(k);
    });
  }

  /** A cipher that encrypts with the configured key, else with the stored one (created now if none). */
  Future<DataCipher> forWrite() {
    if (configured != null || stored != null) {
      return forRead();
    }
    DataCipher.Key fresh = DataCipher.Key.generate();
    JsonNode value = JsonNodeFactory.instance.objectNode().put(FIELD, fresh.encoded());
    return BlockStore.putConfigIfAbsent(pool, CONFIG_KEY, value).map(v -> {
      DataCipher.Key k = parse(v);
      if (k == null) {
        throw new IllegalStateException("the stored block encryption key is unreadable");
      }
      stored = k;
      return cipher(k);
    });
  }

  private DataCipher cipher(DataCipher.Key storedKey) {
    List<DataCipher.Key> known = new ArrayList<>(2);
    if (configured != null) {
      known.add(configured);
    }
    if (storedKey != null) {
      known.add(storedKey);
    }
    DataCipher.Key current = configured != null ? configured : storedKey;
    return new DataCipher(current, known);
  }

  private static DataCipher.Key parse(JsonNode v) {
    JsonNode k = v == null ? null : v.get(FIELD);
    return k == null || !k.isTextual() ? null : DataCipher.Key.decode(k.textValue());
  }
}
