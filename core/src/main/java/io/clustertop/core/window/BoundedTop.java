package io.clustertop.core.window;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The first {@code limit} of what is offered, in an order, kept by a bounded heap with the worst kept
 * at its head: n log limit comparisons instead of a sort of all n, and only those kept are sorted at
 * the end. How every cut of rows picks its top ones (the collector's views, the agent's table, the
 * relay's merge); what falls out is handed back to go into "other".
 *
 * <p>Thread safety: none; one cut fills and reads it.
 */
public final class BoundedTop<T> {
  private final Comparator<? super T> order;
  private final int limit;
  private final PriorityQueue<T> heap;

  public BoundedTop(Comparator<? super T> order, int limit) {
    this.order = order;
    this.limit = limit;
    this.heap = new PriorityQueue<>(Math.max(1, Math.min(limit, 64) + 1), order.reversed()); // it grows past 64 if need be
  }

  /** Adds {@code item}; returns what the limit pushed out (it, or one kept before), or null. */
  public T offer(T item) {
    heap.add(item);
    return heap.size() > limit ? heap.poll() : null;
  }

  /** What is kept, in the order. */
  public List<T> sorted() {
    List<T> kept = new ArrayList<>(heap);
    kept.sort(order);
    return kept;
  }
}
