package dev.baton.filter;

import dev.baton.filter.Filters.Op;
import java.util.List;
import java.util.UUID;

/**
 * The block filters (Prefect's BlockTypeFilter, BlockSchemaFilter, BlockDocumentFilter), validated.
 * A null list or value is a criterion not given; a criterion object with nothing in it matches
 * everything, as in Prefect.
 */
public final class BlockFilters {
  private BlockFilters() {}

  /** {@code name.like_} (case-insensitive substring), {@code slug.any_}. */
  public record TypeFilter(String nameLike, List<String> slugAny) {}

  /** {@code block_type_id.any_}, {@code block_capabilities.all_}, {@code id.any_}, {@code version.any_}. */
  public record SchemaFilter(Op operator, boolean hasBlockTypeId, List<UUID> blockTypeIdAny, boolean hasCapabilities,
      List<String> capabilitiesAll, boolean hasId, List<UUID> idAny, boolean hasVersion, List<String> versionAny) {}

  /**
   * {@code id.any_}, {@code is_anonymous.eq_} ({@code isAnonymous} null: either), {@code
   * block_type_id.any_}, {@code name.any_}/{@code like_}. The {@code has*} flags tell a criterion
   * given empty (matches all) from one not given.
   */
  public record DocumentFilter(Op operator, boolean hasId, List<UUID> idAny, boolean hasIsAnonymous, Boolean isAnonymous,
      boolean hasBlockTypeId, List<UUID> blockTypeIdAny, boolean hasName, List<String> nameAny, String nameLike) {

    /** Prefect's default when no {@code block_documents} filter is given: anonymous documents left out. */
    public static final DocumentFilter NOT_ANONYMOUS =
        new DocumentFilter(Op.AND, false, null, true, false, false, null, false, null, null);
  }

  /** Block document orders. */
  public enum DocumentSort { NAME_DESC, NAME_ASC, BLOCK_TYPE_AND_NAME_ASC }

  /** {@code POST /block_types/filter}. */
  public record TypeQuery(TypeFilter types, SchemaFilter schemas, int limit, int offset) {}

  /** {@code POST /block_schemas/filter}. */
  public record SchemaQuery(SchemaFilter schemas, int limit, int offset) {}

  /** {@code POST /block_documents/filter} and {@code /count} (count ignores the rest). */
  public record DocumentQuery(DocumentFilter documents, TypeFilter types, SchemaFilter schemas, boolean includeSecrets,
      DocumentSort sort, Integer limit, int offset) {}
}
