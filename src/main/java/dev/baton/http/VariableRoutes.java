package dev.baton.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import dev.baton.wire.FilterBodies;
import dev.baton.wire.Render;
import dev.baton.wire.Times;
import dev.baton.wire.VariableBodies;
import dev.baton.domain.Variable;
import dev.baton.service.Variables;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Workspace variables ({@code /api/variables/}): create; read, update and delete by name (what
 * run-input hydration and the client's {@code Variable.get/set} use) and by id; filter and count.
 */
final class VariableRoutes {
  private final Variables variables;
  private final int defaultLimit;

  VariableRoutes(Variables variables, int defaultLimit) {
    this.variables = variables;
    this.defaultLimit = defaultLimit;
  }

  void mount(Router api) {
    api.post("/variables/").handler(this::create);
    api.post("/variables").handler(this::create);
    api.post("/variables/filter").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.variables(b, defaultLimit),
        q -> Http.reply(ctx, variables.list(q), l -> Http.json(ctx, 200, Render.list(l, VariableRoutes::render)))));
    api.post("/variables/count").handler(ctx -> Http.withBody(ctx, FilterBodies::variableCount,
        f -> Http.reply(ctx, variables.count(f), n -> Http.json(ctx, 200, String.valueOf(n).getBytes()))));
    api.get("/variables/name/:name").handler(ctx ->
        Replies.found(ctx, variables.byName(ctx.pathParam("name")), Variables.NOT_FOUND, VariableRoutes::render));
    api.patch("/variables/name/:name").handler(ctx -> Http.withBody(ctx, VariableBodies::update, u ->
        Replies.noContent(ctx, variables.update(ctx.pathParam("name"), u.name(), u.hasValue(), u.value(), u.tags()),
            Variables.NOT_FOUND)));
    api.delete("/variables/name/:name").handler(ctx ->
        Replies.noContent(ctx, variables.delete(ctx.pathParam("name")), Variables.NOT_FOUND));
    api.get("/variables/:id").handler(ctx -> Http.withId(ctx, id ->
        Replies.found(ctx, variables.byId(id), Variables.NOT_FOUND, VariableRoutes::render)));
    api.patch("/variables/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, VariableBodies::update, u ->
        Replies.noContent(ctx, variables.update(id, u.name(), u.hasValue(), u.value(), u.tags()), Variables.NOT_FOUND))));
    api.delete("/variables/:id").handler(ctx -> Http.withId(ctx, id ->
        Replies.noContent(ctx, variables.delete(id), Variables.NOT_FOUND)));
  }

  /** A taken name: 409 (the command's CONFLICT, as Http.fail answers it). */
  private void create(RoutingContext ctx) {
    Http.withBody(ctx, VariableBodies::create, req ->
        Http.reply(ctx, variables.create(req.name(), req.value(), req.tags()), v -> Http.json(ctx, 201, render(v))));
  }

  private static byte[] render(Variable v) {
    return Render.bytes(g -> render(g, v));
  }

  private static void render(JsonGenerator g, Variable v) throws IOException {
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
  }
}
