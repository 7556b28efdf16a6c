package dev.baton.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.wire.Decoded;
import dev.baton.wire.Model;
import dev.baton.wire.Render;
import dev.baton.wire.Times;
import dev.baton.wire.Types;
import dev.baton.domain.Variable;
import dev.baton.service.Variables;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
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

  private final Variables variables;

  VariableRoutes(Variables variables) {
    this.variables = variables;
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
    // a taken name: 409 (the command's CONFLICT, as Http.fail answers it)
    Http.reply(ctx, variables.create(req.name(), req.value(), req.tags()), v -> Http.json(ctx, 201, render(v)));
  }

  private void read(RoutingContext ctx) {
    Replies.found(ctx, variables.byName(ctx.pathParam("name")), Variables.NOT_FOUND, VariableRoutes::render);
  }

  /** {@code Variable.set(..., overwrite=True)}: 204, or 404 when there is no such variable. */
  private void update(RoutingContext ctx) {
    Http.withBody(ctx, UPDATE::decodeBody, u -> Replies.noContent(ctx,
        variables.update(ctx.pathParam("name"), u.name(), u.hasValue(), u.value(), u.tags()), Variables.NOT_FOUND));
  }

  private void delete(RoutingContext ctx) {
    Replies.noContent(ctx, variables.delete(ctx.pathParam("name")), Variables.NOT_FOUND);
  }

  private static byte[] render(Variable v) {
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
