-- Blocks: types, schemas (with the references between nested schemas), documents (with the
-- references between documents) and the server's configuration values (the default result
-- storage, the generated encryption key). Names and keys as in Prefect's tables.

CREATE TABLE block_type (
    id                uuid        PRIMARY KEY,
    created           timestamptz NOT NULL DEFAULT now(),
    updated           timestamptz NOT NULL DEFAULT now(),
    name              text        NOT NULL,
    slug              text        NOT NULL,
    logo_url          text,
    documentation_url text,
    description       text,
    code_example      text,
    is_protected      boolean     NOT NULL DEFAULT false,
    CONSTRAINT uq_block_type__slug UNIQUE (slug)
);

CREATE TABLE block_schema (
    id            uuid        PRIMARY KEY,
    created       timestamptz NOT NULL DEFAULT now(),
    updated       timestamptz NOT NULL DEFAULT now(),
    checksum      text        NOT NULL,
    -- the schema as stored: without block_schema_references (rows below) and without the
    -- definitions of nested blocks (their own rows); both are put back on read
    fields        jsonb       NOT NULL DEFAULT '{}',
    capabilities  jsonb       NOT NULL DEFAULT '[]',
    version       text        NOT NULL DEFAULT 'non-versioned',
    block_type_id uuid        NOT NULL REFERENCES block_type (id) ON DELETE CASCADE,
    CONSTRAINT uq_block_schema__checksum_version UNIQUE (checksum, version)
);
CREATE INDEX ix_block_schema__block_type_id ON block_schema (block_type_id, created DESC);
CREATE INDEX ix_block_schema__created ON block_schema (created DESC);
CREATE INDEX ix_block_schema__capabilities ON block_schema USING gin (capabilities);

CREATE TABLE block_schema_reference (
    id                        uuid        PRIMARY KEY,
    created                   timestamptz NOT NULL DEFAULT now(),
    updated                   timestamptz NOT NULL DEFAULT now(),
    name                      text        NOT NULL,
    parent_block_schema_id    uuid        NOT NULL REFERENCES block_schema (id) ON DELETE CASCADE,
    reference_block_schema_id uuid        NOT NULL REFERENCES block_schema (id) ON DELETE CASCADE,
    CONSTRAINT uq_block_schema_reference UNIQUE (parent_block_schema_id, name, reference_block_schema_id)
);
CREATE INDEX ix_block_schema_reference__reference ON block_schema_reference (reference_block_schema_id);

CREATE TABLE block_document (
    id              uuid        PRIMARY KEY,
    created         timestamptz NOT NULL DEFAULT now(),
    updated         timestamptz NOT NULL DEFAULT now(),
    name            text        NOT NULL,
    -- the document's data without its references, encrypted: {"alg", "kid", "ct"} (docs/compatibility.md, Blocks)
    data            jsonb       NOT NULL,
    is_anonymous    boolean     NOT NULL DEFAULT false,
    block_type_name text,
    block_type_id   uuid        NOT NULL REFERENCES block_type (id) ON DELETE CASCADE,
    block_schema_id uuid        NOT NULL REFERENCES block_schema (id) ON DELETE CASCADE,
    CONSTRAINT uq_block__type_id_name UNIQUE (block_type_id, name)
);
CREATE INDEX ix_block_document__name ON block_document (name COLLATE "C");
CREATE INDEX ix_block_document__block_schema_id ON block_document (block_schema_id);
CREATE INDEX ix_block_document__is_anonymous ON block_document (is_anonymous);

CREATE TABLE block_document_reference (
    id                          uuid        PRIMARY KEY,
    created                     timestamptz NOT NULL DEFAULT now(),
    updated                     timestamptz NOT NULL DEFAULT now(),
    name                        text        NOT NULL,
    parent_block_document_id    uuid        NOT NULL REFERENCES block_document (id) ON DELETE CASCADE,
    reference_block_document_id uuid        NOT NULL REFERENCES block_document (id) ON DELETE CASCADE,
    CONSTRAINT ck_block_document_reference__no_self_reference
        CHECK (parent_block_document_id <> reference_block_document_id),
    CONSTRAINT uq_block_document_reference UNIQUE (parent_block_document_id, name)
);
CREATE INDEX ix_block_document_reference__reference ON block_document_reference (reference_block_document_id);

CREATE TABLE configuration (
    id      uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created timestamptz NOT NULL DEFAULT now(),
    updated timestamptz NOT NULL DEFAULT now(),
    key     text        NOT NULL,
    value   jsonb       NOT NULL,
    CONSTRAINT uq_configuration__key UNIQUE (key)
);
