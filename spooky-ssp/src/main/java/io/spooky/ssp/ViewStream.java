package io.spooky.ssp;

import io.javalin.websocket.WsContext;
import io.spooky.core.value.Value;
import io.spooky.ivm.ViewDelta;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's WebSocket on {@code /views/{id}/stream}: a snapshot message, then the view's deltas
 * in order, each with its seq and resulting root hash.
 *
 * <p>Memory is bounded: messages wait in a queue of fixed capacity drained by one sender thread.
 * When the queue is full the client is resynced: queued deltas are dropped, further deltas are
 * ignored until the engine thread enqueues a fresh snapshot, which already reflects every dropped
 * delta because the engine orders it after them.
 */
final class ViewStream implements ViewHost.Subscriber {
  private static final Logger log = LoggerFactory.getLogger(ViewStream.class);
  private static final String CLOSE = "\u0000close";

  private final WsContext ctx;
  private final String viewId;
  private final ViewHost host;
  private final BlockingQueue<String> queue;
  private volatile boolean resyncing;
  private volatile boolean open = true;
  private final Thread sender;

  ViewStream(WsContext ctx, String viewId, ViewHost host, int capacity) {
    this.ctx = ctx;
    this.viewId = viewId;
    this.host = host;
    this.queue = new ArrayBlockingQueue<>(capacity + 1);
    this.sender = Thread.ofVirtual().name("ssp-stream-" + viewId).start(this::drain);
  }

  @Override
  public void snapshot(ViewHost.ViewMeta view, List<Value> rows) {
    queue.clear();
    queue.offer(Messages.snapshot(view, rows));
    resyncing = false;
  }

  @Override
  public void delta(ViewHost.ViewMeta view, ViewDelta delta) {
    if (resyncing || !open) {
      return;
    }
    if (!queue.offer(Messages.delta(view, delta))) {
      resyncing = true;
      queue.clear();
      log.info("event=stream_resync view={} reason=slow_consumer", viewId);
      host.execute(
          () -> {
            if (!host.resnapshot(viewId, this)) {
              closed(viewId);
            }
          });
    }
  }

  @Override
  public void closed(String id) {
    queue.clear();
    queue.offer(CLOSE);
  }

  /** Stops sending; called when the socket closed. */
  void stop() {
    open = false;
    sender.interrupt();
  }

  private void drain() {
    try {
      while (open) {
        String msg = queue.take();
        if (msg == CLOSE) {
          ctx.closeSession(4404, "view unregistered");
          return;
        }
        ctx.send(msg);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.info("event=stream_send_failed view={} reason=\"{}\"", viewId, e.getMessage());
    }
  }
}
