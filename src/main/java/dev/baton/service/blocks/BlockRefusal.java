package dev.baton.service.blocks;

/**
 * A block request refused for a reason the closed set of orchestration failures has no kind for:
 * Prefect's 403 (protected and reserved block types) and 400 (bad references, schema migrations).
 */
public final class BlockRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why: the HTTP layer answers FORBIDDEN with 403, BAD_REQUEST with 400. */
  public enum Kind { FORBIDDEN, BAD_REQUEST }

  private final Kind kind;

  public BlockRefusal(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static BlockRefusal forbidden(String message) {
    return new BlockRefusal(Kind.FORBIDDEN, message);
  }

  static BlockRefusal badRequest(String message) {
    return new BlockRefusal(Kind.BAD_REQUEST, message);
  }
}
