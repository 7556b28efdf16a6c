package dev.baton.http;

import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.service.blocks.BlockRefusal;
import dev.baton.service.blocks.BlockServices;
import dev.baton.wire.BlockBodies;
import dev.baton.wire.BlockRender;
import dev.baton.wire.Decoded;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * Blocks (Prefect's {@code /block_types}, {@code /block_schemas}, {@code /block_documents},
 * {@code /block_capabilities}) and the server's default result storage ({@code /admin/storage}).
 * Failures answer {@code {"detail": …}} with Prefect's statuses: 404 for what is missing, 409 for
 * what exists, 403 for protected and reserved types, 400 for bad references, 422 for bad input.
 */
final class BlockRoutes {
  private final BlockServices blocks;
  private final int maxLimit;

  BlockRoutes(BlockServices blocks, int maxLimit) {
    this.blocks = blocks;
    this.maxLimit = maxLimit;
  }

  void mount(Router api) {
    // block types
    both(api, "/block_types", (r, p) -> r.post(p).handler(ctx -> Http.withBody(ctx, BlockBodies::typeCreate,
        c -> answer(ctx, blocks.types().create(c), t -> Http.json(ctx, 201, BlockRender.type(t))))));
    api.post("/block_types/filter").handler(ctx -> Http.withBody(ctx, b -> BlockBodies.typeQuery(b, maxLimit),
        q -> answer(ctx, blocks.types().list(q), l -> Http.json(ctx, 200, BlockRender.types(l)))));
    api.post("/block_types/install_system_block_types").handler(ctx ->
        answer(ctx, blocks.system().install(true), x -> Http.json(ctx, 200, NULL)));
    api.get("/block_types/slug/:slug").handler(ctx ->
        answer(ctx, blocks.types().bySlug(ctx.pathParam("slug")), t -> Http.json(ctx, 200, BlockRender.type(t))));
    api.get("/block_types/slug/:slug/block_documents").handler(ctx -> withSecrets(ctx, s ->
        answer(ctx, blocks.types().documents(ctx.pathParam("slug"), s), l -> Http.json(ctx, 200, BlockRender.documents(l)))));
    api.get("/block_types/slug/:slug/block_documents/name/:name").handler(ctx -> withSecrets(ctx, s ->
        answer(ctx, blocks.types().document(ctx.pathParam("slug"), ctx.pathParam("name"), s),
            d -> Http.json(ctx, 200, BlockRender.document(d)))));
    api.get("/block_types/:id").handler(ctx -> Http.withId(ctx, id ->
        answer(ctx, blocks.types().get(id), t -> Http.json(ctx, 200, BlockRender.type(t)))));
    api.patch("/block_types/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, BlockBodies::typeUpdate,
        u -> answer(ctx, blocks.types().update(id, u.present()), x -> Http.noContent(ctx)))));
    api.delete("/block_types/:id").handler(ctx -> Http.withId(ctx, id ->
        answer(ctx, blocks.types().delete(id), x -> Http.noContent(ctx))));

    // block schemas
    both(api, "/block_schemas", (r, p) -> r.post(p).handler(ctx -> Http.withBody(ctx, BlockBodies::schemaCreate,
        c -> answer(ctx, blocks.schemas().create(c),
            s -> Http.json(ctx, s.created() ? 201 : 200, BlockRender.schema(s.schema()))))));
    api.post("/block_schemas/filter").handler(ctx -> Http.withBody(ctx, b -> BlockBodies.schemaQuery(b, maxLimit),
        q -> answer(ctx, blocks.schemas().list(q), l -> Http.json(ctx, 200, BlockRender.schemas(l)))));
    api.get("/block_schemas/checksum/:checksum").handler(ctx -> answer(ctx,
        blocks.schemas().byChecksum(ctx.pathParam("checksum"), ctx.queryParams().get("version")),
        s -> Http.json(ctx, 200, BlockRender.schema(s))));
    api.get("/block_schemas/:id").handler(ctx -> Http.withId(ctx, id ->
        answer(ctx, blocks.schemas().get(id), s -> Http.json(ctx, 200, BlockRender.schema(s)))));
    api.delete("/block_schemas/:id").handler(ctx -> Http.withId(ctx, id ->
        answer(ctx, blocks.schemas().delete(id), x -> Http.noContent(ctx))));
    both(api, "/block_capabilities", (r, p) -> r.get(p).handler(ctx ->
        answer(ctx, blocks.schemas().capabilities(), l -> Http.json(ctx, 200, BlockRender.strings(l)))));

    // block documents
    both(api, "/block_documents", (r, p) -> r.post(p).handler(ctx -> Http.withBody(ctx, BlockBodies::documentCreate,
        c -> answer(ctx, blocks.documents().create(c), d -> Http.json(ctx, 201, BlockRender.document(d))))));
    api.post("/block_documents/filter").handler(ctx -> Http.withBody(ctx, b -> BlockBodies.documentQuery(b, maxLimit),
        q -> answer(ctx, blocks.documents().list(q), l -> Http.json(ctx, 200, BlockRender.documents(l)))));
    api.post("/block_documents/count").handler(ctx -> Http.withBody(ctx, BlockBodies::documentCount,
        q -> answer(ctx, blocks.documents().count(q), n -> Http.json(ctx, 200, String.valueOf(n).getBytes()))));
    api.get("/block_documents/:id").handler(ctx -> Http.withId(ctx, id -> withSecrets(ctx, s ->
        answer(ctx, blocks.documents().get(id, s), d -> Http.json(ctx, 200, BlockRender.document(d))))));
    api.patch("/block_documents/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx,
        BlockBodies::documentUpdate, u -> answer(ctx, blocks.documents().update(id, u), x -> Http.noContent(ctx)))));
    api.delete("/block_documents/:id").handler(ctx -> Http.withId(ctx, id ->
        answer(ctx, blocks.documents().delete(id), x -> Http.noContent(ctx))));

    // the server's default result storage
    api.get("/admin/storage").handler(ctx ->
        answer(ctx, blocks.storage().read(), id -> Http.json(ctx, 200, BlockRender.storage(id))));
    api.put("/admin/storage").handler(ctx -> Http.withBody(ctx, BlockBodies::storageUpdate,
        id -> answer(ctx, blocks.storage().set(id), set -> Http.json(ctx, 200, BlockRender.storage(set)))));
    api.delete("/admin/storage").handler(ctx -> answer(ctx, blocks.storage().clear(), x -> Http.noContent(ctx)));
  }

  private static final byte[] NULL = "null".getBytes();

  /** A collection route, with and without its trailing slash. */
  private static void both(Router api, String path, java.util.function.BiConsumer<Router, String> mount) {
    mount.accept(api, path + "/");
    mount.accept(api, path);
  }

  /** Runs {@code then} with the {@code include_secrets} query parameter (default false); a bad one is a 422. */
  private static void withSecrets(RoutingContext ctx, Consumer<Boolean> then) {
    Decoded<Boolean> d = BlockBodies.queryBool("include_secrets", ctx.queryParams().get("include_secrets"), false);
    Boolean v = Http.decoded(ctx, d, null);
    if (v != null) {
      then.accept(v);
    }
  }

  /**
   * {@code ok} with the result; otherwise Prefect's answer: 403 or 400 for a refusal, 404 {@code
   * {"detail": …}} for what the service did not find, and {@link Http#fail} for the rest (409, 422, 503).
   */
  private static <T> void answer(RoutingContext ctx, Future<T> f, Consumer<T> ok) {
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        ok.accept(ar.result());
      } else if (ar.cause() instanceof BlockRefusal r) {
        Http.detail(ctx, r.kind() == BlockRefusal.Kind.FORBIDDEN ? 403 : 400, r.getMessage());
      } else if (Replies.raised(ar.cause(), OrchestrationFailure.NOT_FOUND)) {
        Http.detail(ctx, 404, ar.cause().getMessage());
      } else {
        Http.fail(ctx, ar.cause());
      }
    });
  }
}
