package dev.baton.http;

import dev.baton.service.Artifacts;
import dev.baton.wire.ArtifactBodies;
import dev.baton.wire.ArtifactRender;
import dev.baton.wire.Render;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/artifacts}: what {@code create_*_artifact}, {@code update_progress_artifact},
 * {@code Artifact.get} and the CLI call, and the UI's lists of artifacts and of keys' latest
 * versions. Unknown artifacts and keys: {@code 404 {"detail": "Artifact not found."}}.
 */
final class ArtifactRoutes {
  private final Artifacts artifacts;
  private final int defaultLimit;

  ArtifactRoutes(Artifacts artifacts, int defaultLimit) {
    this.artifacts = artifacts;
    this.defaultLimit = defaultLimit;
  }

  void mount(Router api) {
    api.post("/artifacts/").handler(this::create);
    api.post("/artifacts").handler(this::create);
    api.post("/artifacts/filter").handler(ctx -> list(ctx, false));
    api.post("/artifacts/count").handler(ctx -> count(ctx, false));
    api.post("/artifacts/latest/filter").handler(ctx -> list(ctx, true));
    api.post("/artifacts/latest/count").handler(ctx -> count(ctx, true));
    api.get("/artifacts/:key/latest").handler(ctx -> Replies.found(ctx, artifacts.latest(ctx.pathParam("key")),
        Artifacts.NOT_FOUND, ArtifactRender::artifact));
    api.get("/artifacts/:id").handler(ctx -> Http.withId(ctx, id -> Replies.found(ctx, artifacts.get(id),
        Artifacts.NOT_FOUND, ArtifactRender::artifact)));
    api.patch("/artifacts/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, ArtifactBodies::update,
        p -> Replies.noContent(ctx, artifacts.update(id, p), Artifacts.NOT_FOUND))));
    api.delete("/artifacts/:id").handler(ctx -> Http.withId(ctx, id -> Replies.noContent(ctx, artifacts.delete(id),
        Artifacts.NOT_FOUND)));
  }

  /** 201 with the artifact as stored (Prefect answers 201 to every creation: each is a new row). */
  private void create(RoutingContext ctx) {
    Http.withBody(ctx, ArtifactBodies::create,
        c -> Http.reply(ctx, artifacts.create(c), a -> Http.json(ctx, 201, ArtifactRender.artifact(a))));
  }

  private void list(RoutingContext ctx, boolean latest) {
    Http.withBody(ctx, b -> ArtifactBodies.list(b, defaultLimit, latest), q -> {
      if (latest) {
        Http.reply(ctx, artifacts.latestList(q), l -> Http.json(ctx, 200, Render.list(l, ArtifactRender::collection)));
      } else {
        Http.reply(ctx, artifacts.list(q), l -> Http.json(ctx, 200, Render.list(l, ArtifactRender::artifact)));
      }
    });
  }

  private void count(RoutingContext ctx, boolean latest) {
    Http.withBody(ctx, b -> ArtifactBodies.count(b, latest),
        q -> Http.reply(ctx, latest ? artifacts.latestCount(q) : artifacts.count(q),
            n -> Http.json(ctx, 200, String.valueOf(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
  }
}
