package dev.baton.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The optional shared-secret check of Prefect's {@code PREFECT_SERVER_API_AUTH_STRING}: a client
 * configured with {@code PREFECT_API_AUTH_STRING=<secret>} sends
 * {@code Authorization: Basic base64(<secret>)} on every HTTP request, and the secret itself as
 * {@code {"type": "auth", "token": <secret>}} as the first frame of an events websocket.
 *
 * <p>Comparisons hash both sides with SHA-256 and compare the digests with
 * {@link MessageDigest#isEqual}, so their time depends neither on where the first difference is nor
 * on the secret's length. The secret is never logged and never part of {@link #toString()}.
 */
public final class ApiAuth {
  /** The body of every 401, as Prefect's server sends it. */
  static final byte[] UNAUTHORIZED_BODY = "{\"exception_message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);

  private static final ApiAuth DISABLED = new ApiAuth(null);

  /** SHA-256 of the secret's UTF-8 bytes; null = authentication off. */
  private final byte[] expectedDigest;

  private ApiAuth(byte[] expectedDigest) {
    this.expectedDigest = expectedDigest;
  }

  /** The check for {@code authString}; null or empty = authentication off (everything accepted). */
  public static ApiAuth of(String authString) {
    if (authString == null || authString.isEmpty()) {
      return DISABLED;
    }
    return new ApiAuth(sha256(authString.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether a secret is configured (when not, every check accepts). */
  public boolean enabled() {
    return expectedDigest != null;
  }

  /**
   * Whether an {@code Authorization} header value lets the request in: always when disabled;
   * else it must be exactly two whitespace-separated parts, the scheme {@code Basic}
   * (case-insensitive, RFC 7617) and the standard base64 of the secret's UTF-8 bytes.
   */
  public boolean accepts(String authorizationHeaderValue) {
    if (expectedDigest == null) {
      return true;
    }
    if (authorizationHeaderValue == null) {
      return false;
    }
    String[] parts = authorizationHeaderValue.trim().split("\\s+");
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Basic")) {
      return false;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
    return matches(decoded);
  }

  /**
   * Whether a bare token (the {@code token} of a websocket's first {@code auth} frame) is the
   * secret: always when disabled; a null token never matches an enabled check.
   */
  public boolean acceptsToken(String token) {
    if (expectedDigest == null) {
      return true;
    }
    return token != null && matches(token.getBytes(StandardCharsets.UTF_8));
  }

  private boolean matches(byte[] candidate) {
    return MessageDigest.isEqual(sha256(candidate), expectedDigest);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return enabled() ? "ApiAuth[enabled]" : "ApiAuth[disabled]";
  }
}
