package dev.baton.http;

import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.baton.admission.ServerState;
import dev.baton.observability.Metrics;
import dev.baton.observability.OverloadMetrics;
import dev.baton.testsupport.Poll;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.baton.admission.InFlightLimiter;

/**
 * The request timeout of {@link Admission} over real HTTP: admitted requests nobody answers get
 * 503 with {@code Retry-After} once past it (counted as {@code request_timeout}), the others their
 * own answer; every place in flight is given back. Requests arrive in waves, so deadlines fall
 * while later requests are pending and earlier ones already answered.
 */
class AdmissionTest {
  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;
  private final InFlightLimiter limiter = new InFlightLimiter(1000);
  private final PrometheusMeterRegistry registry = Metrics.newRegistry();
  private final OverloadMetrics metrics = new OverloadMetrics(registry);

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    Router api = Router.router(vertx);
    api.route().handler(new Admission(vertx, limiter, new ServerState(), metrics, 300));
    api.get("/answered").handler(ctx -> Http.json(ctx, 200, "{}".getBytes()));
    api.get("/later").handler(ctx -> vertx.setTimer(50, id -> Http.json(ctx, 200, "{}".getBytes())));
    api.get("/never").handler(ctx -> { });
    router.route("/api/*").subRouter(api);
    // a server outside a verticle serves all its connections on one event loop, as HttpVerticle does
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"), Duration.ofSeconds(30));
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()), new PoolOptions().setHttp1MaxSize(100));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close(), Duration.ofSeconds(30));
  }

  private record Answer(int status, String retryAfter, String body) {}

  private Future<Answer> get(String path) {
    return client.request(HttpMethod.GET, path)
        .compose(req -> req.send().compose(resp -> resp.body()
            .map(b -> new Answer(resp.statusCode(), resp.getHeader("Retry-After"), b.toString()))));
  }

  @Test
  void unansweredRequestsGet503PastTheTimeoutOthersTheirAnswer() throws Exception {
    List<Future<Answer>> never = new ArrayList<>();
    List<Future<Answer>> answered = new ArrayList<>();
    for (int wave = 0; wave < 3; wave++) {
      for (int i = 0; i < 5; i++) {
        never.add(get("/api/never"));
        answered.add(get("/api/answered"));
        answered.add(get("/api/later"));
      }
      Thread.sleep(100);
    }
    List<Future<Answer>> all = new ArrayList<>(never);
    all.addAll(answered);
    await(Future.join(all), Duration.ofSeconds(30));
    for (Future<Answer> f : never) {
      Answer a = f.result();
      assertEquals(503, a.status(), a::toString);
      assertEquals("{\"exception_message\":\"Service Unavailable\"}", a.body());
      assertNotNull(a.retryAfter());
    }
    for (Future<Answer> f : answered) {
      assertEquals(200, f.result().status(), f.result()::toString);
    }
    assertEquals(15.0, metrics.count("request_timeout"));
    // end handlers run after the answers are written: wait for the last places to come back
    Poll.until(2_000, 20, () -> limiter.inFlight() == 0);
    assertEquals(0, limiter.inFlight());
  }
}
