package dev.baton.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.automations.AutomationService;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.runinput.JinjaTemplates;
import dev.baton.wire.AutomationBodies;
import dev.baton.wire.AutomationRender;
import dev.baton.wire.Decoded;
import dev.baton.wire.ValidationError;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code /api/automations} (spec/automations.md §1.4): create, read, replace, enable/disable,
 * delete, filter, count, related-to, owned-by, and template validation.
 */
final class AutomationRoutes {
  private final AutomationService automations;
  private final int maxLimit;

  AutomationRoutes(AutomationService automations, int maxLimit) {
    this.automations = automations;
    this.maxLimit = maxLimit;
  }

  /** A template's syntax error text, or null (Prefect's validate_user_template). */
  static String templateError(String template) {
    try {
      JinjaTemplates.validate(template);
      return null;
    } catch (JinjaTemplates.InvalidTemplate e) {
      return e.getMessage();
    }
  }

  void mount(Router api) {
    api.post("/automations/").handler(this::create);
    api.post("/automations").handler(this::create);
    api.post("/automations/filter").handler(ctx -> Http.withBody(ctx, b -> AutomationBodies.filter(b, maxLimit),
        f -> Http.reply(ctx, automations.filter(f),
            list -> Http.json(ctx, 200, Http.toBytes(AutomationRender.automations(list))))));
    api.post("/automations/count").handler(ctx -> Http.reply(ctx, automations.count(),
        n -> Http.json(ctx, 200, Long.toString(n).getBytes(StandardCharsets.UTF_8))));
    api.get("/automations/related-to/:resource").handler(ctx -> Http.reply(ctx,
        automations.relatedTo(ctx.pathParam("resource")),
        list -> Http.json(ctx, 200, Http.toBytes(AutomationRender.automations(list)))));
    api.delete("/automations/owned-by/:resource").handler(ctx -> Http.reply(ctx,
        automations.deleteOwnedBy(ctx.pathParam("resource")),
        v -> Http.json(ctx, 202, "null".getBytes(StandardCharsets.UTF_8))));
    api.post("/templates/validate").handler(this::validateTemplate);
    api.post("/automations/templates/validate").handler(this::validateTemplate);
    api.get("/automations/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, automations.read(id),
        a -> Http.json(ctx, 200, Http.toBytes(AutomationRender.automation(a))))));
    api.put("/automations/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx,
        b -> AutomationBodies.body(b, false, AutomationRoutes::templateError),
        body -> answer(ctx, automations.replace(id, body)))));
    api.patch("/automations/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, AutomationBodies::patch,
        enabled -> answer(ctx, automations.setEnabled(id, enabled)))));
    api.delete("/automations/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, automations.delete(id),
        v -> Http.noContent(ctx))));
  }

  private void create(RoutingContext ctx) {
    Http.withBody(ctx, b -> AutomationBodies.body(b, true, AutomationRoutes::templateError),
        body -> automations.create(body).onComplete(ar -> {
          if (ar.succeeded()) {
            Http.json(ctx, 201, Http.toBytes(AutomationRender.automation(ar.result())));
          } else {
            failed(ctx, ar.cause());
          }
        }));
  }

  /** 204, or the failure: a missing deployment of a run-deployment is {@code {"detail": …}}. */
  private static void answer(RoutingContext ctx, io.vertx.core.Future<Void> f) {
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        Http.noContent(ctx);
      } else {
        failed(ctx, ar.cause());
      }
    });
  }

  private static void failed(RoutingContext ctx, Throwable t) {
    if (t instanceof OrchestrationException e && e.failure() == OrchestrationFailure.NOT_FOUND
        && !AutomationService.NOT_FOUND.equals(e.getMessage())) {
      Http.detail(ctx, 404, e.getMessage());
    } else if (t instanceof OrchestrationException e && e.failure() == OrchestrationFailure.INVALID_INPUT) {
      // a merged automation that would be invalid (the loop guard on enabling): the model's error at loc []
      ObjectNode ctxNode = JsonNodeFactory.instance.objectNode();
      ctxNode.putObject("error");
      Decoded<Void> d = Decoded.invalid(List.of(new ValidationError("value_error", List.of(),
          "Value error, " + e.getMessage(), null, ctxNode)));
      Http.json(ctx, 422, Http.toBytes(d.errorBody(null)));
    } else {
      Http.fail(ctx, t);
    }
  }

  /** {@code POST /templates/validate}: the raw body is a template; 204, or 422 with where it broke. */
  private void validateTemplate(RoutingContext ctx) {
    String template = ctx.body().asString();
    String err = templateError(template == null ? "" : template);
    if (err == null) {
      Http.noContent(ctx);
      return;
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode e = body.putObject("error");
    e.put("line", line(err));
    e.put("message", err);
    e.put("source", template);
    Http.json(ctx, 422, Http.toBytes(body));
  }

  private static int line(String message) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("line (\\d+)").matcher(message);
    return m.find() ? Integer.parseInt(m.group(1)) : 1;
  }
}
