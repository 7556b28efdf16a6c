package dev.baton.service;

import io.vertx.core.Future;
import java.util.List;

/** One page of a filtered list and how many rows the filter matches in all. */
public record Page<T>(List<T> items, long count) {
  /** The page once both reads (sent concurrently by the caller) are done. */
  static <T> Future<Page<T>> of(Future<List<T>> items, Future<Long> count) {
    return Future.all(items, count).map(all -> new Page<>(items.result(), count.result()));
  }
}
