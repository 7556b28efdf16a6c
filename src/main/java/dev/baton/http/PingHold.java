package dev.baton.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayDeque;

/**
 * Holds back the pong of a websocket ping until every message received before the ping is
 * settled (for {@code /events/in}: committed). Prefect's events client treats a pong as the
 * confirmation of everything it sent before the ping and forgets those events, so an early pong
 * would turn a crash before the commit into silent loss.
 *
 * <p>Vert.x answers pings itself, as soon as it reads them (even while the websocket is paused),
 * so this handler sits in the connection's Netty pipeline just in front of Vert.x's: it takes the
 * pings out of the stream, counts the complete data messages that pass on to Vert.x, and answers
 * a ping once the websocket handler reports (through {@link #settledUpTo}) that the messages
 * counted before it are settled. Everything runs on the connection's event loop.
 */
final class PingHold extends ChannelInboundHandlerAdapter {
  static final String NAME = "baton-ping-hold";

  private record Held(long after, ByteBuf payload) {}

  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private long messagesSeen;
  private long settled;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PingWebSocketFrame ping) {
      if (settled >= messagesSeen) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
      } else {
        held.add(new Held(messagesSeen, ping.content()));
      }
      return;
    }
    if (msg instanceof WebSocketFrame f && f.isFinalFragment() && !(f instanceof CloseWebSocketFrame)
        && !(f instanceof PongWebSocketFrame)) {
      messagesSeen++;
    }
    ctx.fireChannelRead(msg);
  }

  /** The websocket handler settled every message up to the {@code n}-th (1-based). Any thread. */
  void settledUpTo(long n) {
    if (ctx == null) {
      return;
    }
    if (!ctx.executor().inEventLoop()) {
      ctx.executor().execute(() -> settledUpTo(n));
      return;
    }
    settled = Math.max(settled, n);
    boolean wrote = false;
    while (!held.isEmpty() && held.peek().after() <= settled) {
      ctx.write(new PongWebSocketFrame(held.poll().payload()));
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseHeld();
    ctx.fireChannelInactive();
  }

  private void releaseHeld() {
    while (!held.isEmpty()) {
      held.poll().payload().release();
    }
  }
}
