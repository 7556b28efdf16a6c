package dev.baton.http;

import dev.baton.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /collections/views/{view}}: Prefect's collection-registry views. Prefect fetches them
 * from the registry and falls back to the copy it bundles; Baton never fetches and serves the copy
 * Prefect bundles, {@code aggregate-worker-metadata} (the worker types and their default base job
 * templates, which {@code prefect work-pool create} and {@code prefect worker start} read): the JSON
 * resource {@code prefect/collections/views/aggregate-worker-metadata.json}, Prefect 3.8.3's file
 * unchanged (its README names the source). The other known views have no bundled copy: 404.
 */
final class CollectionRoutes {
  /** Prefect's registry views: those with a bundled copy, and the rest. */
  static final Set<String> BUNDLED = Set.of("aggregate-worker-metadata");
  static final Set<String> KNOWN = Set.of("aggregate-block-metadata", "aggregate-flow-metadata",
      "aggregate-worker-metadata", "demo-flows");

  private final Future<Map<String, byte[]>> views;

  /** Reads the bundled views once, off the event loop. */
  CollectionRoutes(Vertx vertx) {
    this.views = vertx.executeBlocking(CollectionRoutes::load, false);
  }

  /** Each bundled view as compact JSON, the bytes Prefect's server answers with. */
  static Map<String, byte[]> load() {
    Map<String, byte[]> out = new java.util.HashMap<>();
    for (String view : BUNDLED) {
      String path = "prefect/collections/views/" + view + ".json";
      try (InputStream in = CollectionRoutes.class.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + path);
        }
        out.put(view, Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(in)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Map.copyOf(out);
  }

  void mount(Router r) {
    r.get("/collections/views/:view").handler(this::view);
  }

  private void view(RoutingContext ctx) {
    String view = ctx.pathParam("view");
    if (!KNOWN.contains(view)) {
      Http.detail(ctx, 404, "View " + view + " not found in registry");
      return;
    }
    views.onComplete(ar -> {
      if (ar.failed()) {
        Http.fail(ctx, ar.cause());
        return;
      }
      byte[] body = ar.result().get(view);
      if (body == null) {
        Http.detail(ctx, 404, "Requested content missing for view " + view);
      } else {
        Http.json(ctx, 200, body);
      }
    });
  }
}
