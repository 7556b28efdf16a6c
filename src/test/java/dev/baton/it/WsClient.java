package dev.baton.it;

import static dev.baton.testsupport.Await.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real websocket client (Vert.x's) for the event sockets: collects text messages, pongs and the close. */
public final class WsClient implements AutoCloseable {
  public record Closed(Short code, String reason) {}

  public final WebSocket ws;
  private final WebSocketClient client;
  public final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
  public final LinkedBlockingQueue<String> pongs = new LinkedBlockingQueue<>();
  public final CompletableFuture<Closed> closed = new CompletableFuture<>();

  private WsClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(messages::add);
    ws.pongHandler(b -> pongs.add(b.toString()));
    ws.closeHandler(v -> closed.complete(new Closed(ws.closeStatusCode(), ws.closeReason())));
  }

  public static WsClient connect(Vertx vertx, int port, String path) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI(path).setSubProtocols(List.of("prefect"))));
    return new WsClient(client, ws);
  }

  /**
   * A live {@code /api/events/out} subscription on {@code server}: authenticated (no token), then
   * {@code filter} without backfill; only events stored from now on arrive.
   */
  public static WsClient subscribe(TestServer server, com.fasterxml.jackson.databind.JsonNode filter)
      throws InterruptedException {
    WsClient c = connect(server.vertx(), server.port(), "/api/events/out");
    c.send("{\"type\":\"auth\",\"token\":null}");
    org.junit.jupiter.api.Assertions.assertEquals("{\"type\":\"auth_success\"}", c.nextMessage(10));
    c.send(ApiClient.obj("type", "filter", "filter", filter, "backfill", false).toString());
    return c;
  }

  public void send(String text) {
    await(ws.writeTextMessage(text));
  }

  public void ping(String payload) {
    await(ws.writePing(Buffer.buffer(payload)));
  }

  public String nextMessage(long seconds) throws InterruptedException {
    return messages.poll(seconds, TimeUnit.SECONDS);
  }

  public String nextPong(long seconds) throws InterruptedException {
    return pongs.poll(seconds, TimeUnit.SECONDS);
  }

  public Closed awaitClose(long seconds) {
    try {
      return closed.get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + seconds + " s", e);
    }
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      await(ws.close());
    }
    await(client.close());
  }
}
