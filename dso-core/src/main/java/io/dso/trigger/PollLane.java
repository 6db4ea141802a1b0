package io.dso.trigger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The work waiting for one provider: first fetches ahead of polls, handed out in batches to at most
 * {@code workers} worker threads at a time (the provider's {@code in_flight}). A worker that finds
 * nothing left ends; new work starts workers again. Thread-safe.
 */
final class PollLane {
  private final int maxWorkers;
  private final int batchSize;
  private final Consumer<PollLane> startWorker;
  private final ArrayDeque<PollEntry> firsts = new ArrayDeque<>();
  private final ArrayDeque<PollEntry> polls = new ArrayDeque<>();
  private int workers;

  PollLane(int maxWorkers, int batchSize, Consumer<PollLane> startWorker) {
    this.maxWorkers = maxWorkers;
    this.batchSize = batchSize;
    this.startWorker = startWorker;
  }

  /** Queues {@code entries} and starts as many workers as the queued work can use, within the bound. */
  void submit(List<PollEntry> entries) {
    int start;
    synchronized (this) {
      for (PollEntry e : entries) {
        (e.first() ? firsts : polls).add(e);
      }
      int queued = firsts.size() + polls.size();
      int wanted = Math.min(maxWorkers, (queued + batchSize - 1) / batchSize);
      start = Math.max(0, wanted - workers);
      workers += start;
    }
    for (int i = 0; i < start; i++) {
      startWorker.accept(this);
    }
  }

  /**
   * The next batch for a worker: first fetches if any wait, else polls; never both in one batch.
   * Empty means the calling worker ends (it is no longer counted).
   */
  synchronized List<PollEntry> take() {
    ArrayDeque<PollEntry> from = firsts.isEmpty() ? polls : firsts;
    List<PollEntry> batch = new ArrayList<>(Math.min(batchSize, from.size()));
    while (batch.size() < batchSize && !from.isEmpty()) {
      batch.add(from.poll());
    }
    if (batch.isEmpty()) {
      workers--;
    }
    return batch;
  }

  /** A worker that stopped without draining (interrupted) is no longer counted. */
  synchronized void workerGone() {
    workers--;
  }
}
