package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Format;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * networknt set up as Prefect's validator: draft 2020-12, Python's "email" formats, regexes via
 * {@link SafeRegex}, no schema loaded from anywhere but networknt's own meta-schemas. Creating one
 * builds and initializes the meta-schema.
 */
final class SchemaEngine {
  private static final String META_IRI = "https://json-schema.org/draft/2020-12/schema";

  /** Python's jsonschema checks "email" and "idn-email" only for an "@". */
  private record AtSignFormat(String name) implements Format {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean matches(ExecutionContext executionContext, String value) {
      return value.indexOf('@') >= 0;
    }
  }

  private final JsonSchemaFactory factory;
  private final SchemaValidatorsConfig config = config(true);
  private final SchemaValidatorsConfig configNoFormats = config(false);
  private final JsonSchema meta;

  SchemaEngine() {
    JsonMetaSchema dialect = JsonMetaSchema.builder(META_IRI, JsonMetaSchema.getV202012())
        .format(new AtSignFormat("email"))
        .format(new AtSignFormat("idn-email"))
        .build();
    factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
        b -> b.metaSchema(dialect)
            .defaultMetaSchemaIri(META_IRI)
            .schemaLoaders(l -> l.add(new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:draft/")))));
    meta = factory.getSchema(SchemaLocation.of(META_IRI), config);
    meta.initializeValidators();
  }

  private static SchemaValidatorsConfig config(boolean formats) {
    return SchemaValidatorsConfig.builder()
        .formatAssertionsEnabled(formats)
        .pathType(PathType.JSON_PATH)
        .regularExpressionFactory(SafeRegex::compile)
        .build();
  }

  /** The meta-schema's complaints about {@code schema}; none when the meta-schema itself fails. */
  List<ValidationMessage> schemaErrors(JsonNode schema) {
    try {
      return new ArrayList<>(meta.validate(schema));
    } catch (JsonSchemaException e) {
      return List.of();
    }
  }

  /**
   * Validates {@code instance} against {@code schema}; throws {@link JsonSchemaException} for an
   * unresolvable {@code $ref} and may overflow the stack on a circular one.
   */
  List<ValidationMessage> validate(JsonNode schema, JsonNode instance, boolean checkFormats) {
    JsonSchema js = factory.getSchema(SchemaLocation.of("urn:baton:run-input-schema"), schema,
        checkFormats ? config : configNoFormats);
    return new ArrayList<>(js.validate(instance));
  }
}
