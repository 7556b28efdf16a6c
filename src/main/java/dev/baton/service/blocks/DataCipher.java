package dev.baton.service.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Block document data at rest: AES-256-GCM over the data's JSON text, stored as the envelope
 * {@code {"alg": "A256GCM", "kid": <key id>, "ct": base64(iv ‖ ciphertext ‖ tag)}}. The key id (the
 * first 8 bytes of the key's SHA-256, hex) picks the key that decrypts, so data written under an
 * earlier key stays readable while that key is still known. Thread-safe.
 */
public final class DataCipher {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALG = "A256GCM";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  /** A key and its id. */
  public record Key(byte[] bytes, String id) {
    public static Key of(byte[] bytes) {
      if (bytes.length != 32) {
        throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + bytes.length);
      }
      try {
        byte[] h = MessageDigest.getInstance("SHA-256").digest(bytes);
        return new Key(bytes.clone(), HexFormat.of().formatHex(h, 0, 8));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A new random key. */
    public static Key generate() {
      byte[] b = new byte[32];
      RANDOM.nextBytes(b);
      return of(b);
    }

    /** The key's base64 text (what {@code BATON_ENCRYPTION_KEY} and the stored key hold). */
    public String encoded() {
      return Base64.getEncoder().encodeToString(bytes);
    }

    /** Parses base64 (standard or URL-safe) of 32 bytes. */
    public static Key decode(String text) {
      String t = text.strip();
      byte[] b = t.indexOf('-') >= 0 || t.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(t)
          : Base64.getDecoder().decode(t);
      return of(b);
    }
  }

  /** Data that cannot be decrypted with the keys this instance knows. */
  public static final class UndecryptableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UndecryptableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Key current;
  private final List<Key> known;

  /** Encrypts with {@code current}; decrypts with whichever of {@code known} (which includes it) the envelope names. */
  public DataCipher(Key current, List<Key> known) {
    this.current = current;
    this.known = List.copyOf(known);
  }

  public ObjectNode encrypt(ObjectNode data) {
    try {
      byte[] iv = new byte[IV_BYTES];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(current.bytes(), "AES"), new GCMParameterSpec(TAG_BITS, iv));
      c.updateAAD(current.id().getBytes(StandardCharsets.US_ASCII));
      byte[] ct = c.doFinal(MAPPER.writeValueAsBytes(data));
      byte[] out = new byte[iv.length + ct.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(ct, 0, out, iv.length, ct.length);
      return JsonNodeFactory.instance.objectNode().put("alg", ALG).put("kid", current.id())
          .put("ct", Base64.getEncoder().encodeToString(out));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("block data encryption failed", e);
    }
  }

  public ObjectNode decrypt(JsonNode envelope) {
    String kid = envelope == null ? null : envelope.path("kid").asText(null);
    Key key = null;
    for (Key k : known) {
      if (k.id().equals(kid)) {
        key = k;
      }
    }
    if (key == null || !ALG.equals(envelope.path("alg").asText(null))) {
      throw new UndecryptableException("block document data was encrypted with a key this server does not have (key id "
          + kid + ")", null);
    }
    try {
      byte[] all = Base64.getDecoder().decode(envelope.path("ct").asText(""));
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.bytes(), "AES"), new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      c.updateAAD(key.id().getBytes(StandardCharsets.US_ASCII));
      byte[] plain = c.doFinal(all, IV_BYTES, all.length - IV_BYTES);
      return (ObjectNode) MAPPER.readTree(plain);
    } catch (GeneralSecurityException | IOException | IllegalArgumentException | ClassCastException e) {
      throw new UndecryptableException("block document data could not be decrypted (key id " + kid + ")", e);
    }
  }
}
