package dev.baton.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.http.json.Decoded;
import dev.baton.http.json.Model;
import dev.baton.http.json.Render;
import dev.baton.http.json.Times;
import dev.baton.http.json.Types;
import dev.baton.persistence.VariableRepository;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * Workspace variables, as far as run-input hydration and the client's {@code Variable.get/set}
 * need them: create, and read, update and delete by name ({@code /api/variables/}).
 */
final class VariableRoutes {
  /** {@code POST /api/variables/} body. */
  record VariableCreate(String name, JsonNode value, List<String> tags) {}

  private static final Model<VariableCreate> CREATE = Model.<VariableCreate>forbid("VariableCreate")
      .req("name", Types.str(1, 255))
      .opt("value", Types.ANY, null)
      .opt("tags", Types.STR_LIST, List.of())
      .build(v -> new VariableCreate(v.get("name"), v.get("value"), v.get("tags")));

  /** {@code PATCH /api/variables/name/{name}} body: only present keys change. */
  record VariableUpdate(String name, boolean hasValue, JsonNode value, List<String> tags) {}

  private static final Model<VariableUpdate> UPDATE = Model.<VariableUpdate>forbid("VariableUpdate")
      .opt("name", Types.str(1, 255))
      .opt("value", Types.ANY, null)
      .opt("tags", Types.STR_LIST)
      .build(v -> new VariableUpdate(v.get("name"), v.has("value"), v.get("value"), v.get("tags")));

  private final Pool pool;

  VariableRoutes(Pool pool) {
    this.pool = pool;
  }

  void mount(Router api) {
    api.post("/variables/").handler(this::create);
    api.post("/variables").handler(this::create);
    api.get("/variables/name/:name").handler(this::read);
    api.delete("/variables/name/:name").handler(this::delete);
    api.patch("/variables/name/:name").handler(this::update);
  }

  private void create(RoutingContext ctx) {
    Http.Parsed body = Http.body(ctx);
    if (body == null) {
      return;
    }
    Decoded<VariableCreate> d = CREATE.decodeBody(body.node());
    VariableCreate req = Http.decoded(ctx, d, body.node());
    if (req == null) {
      return;
    }
    VariableRepository.insert(pool, req.name(), req.value(), req.tags()).onComplete(ar -> {
      if (ar.failed()) {
        Http.fail(ctx, ar.cause());
      } else if (ar.result() == null) {
        Http.detail(ctx, 409, "A variable with the name " + req.name() + " already exists.");
      } else {
        Http.json(ctx, 201, render(ar.result()));
      }
    });
  }

  private void read(RoutingContext ctx) {
    VariableRepository.byName(pool, ctx.pathParam("name")).onComplete(ar -> {
      if (ar.failed()) {
        Http.fail(ctx, ar.cause());
      } else if (ar.result() == null) {
        Http.detail(ctx, 404, "Variable not found");
      } else {
        Http.json(ctx, 200, render(ar.result()));
      }
    });
  }

  /** {@code Variable.set(..., overwrite=True)}: 204, or 404 when there is no such variable. */
  private void update(RoutingContext ctx) {
    Http.withBody(ctx, UPDATE::decodeBody, u -> Http.reply(ctx,
        VariableRepository.updateByName(pool, ctx.pathParam("name"), u.name(), u.hasValue(), u.value(), u.tags()),
        updated -> {
          if (updated) {
            Http.noContent(ctx);
          } else {
            Http.detail(ctx, 404, "Variable not found");
          }
        }));
  }

  private void delete(RoutingContext ctx) {
    VariableRepository.deleteByName(pool, ctx.pathParam("name")).onComplete(ar -> {
      if (ar.failed()) {
        Http.fail(ctx, ar.cause());
      } else if (ar.result()) {
        Http.noContent(ctx);
      } else {
        Http.detail(ctx, 404, "Variable not found");
      }
    });
  }

  private static byte[] render(VariableRepository.Variable v) {
    return Render.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("id", v.id().toString());
      g.writeStringField("created", Times.format(v.created()));
      g.writeStringField("updated", Times.format(v.updated()));
      g.writeStringField("name", v.name());
      g.writeFieldName("value");
      if (v.value() == null) {
        g.writeNull();
      } else {
        g.writeTree(v.value());
      }
      g.writeArrayFieldStart("tags");
      for (String t : v.tags()) {
        g.writeString(t);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }
}
