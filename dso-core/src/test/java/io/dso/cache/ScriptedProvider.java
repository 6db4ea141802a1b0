package io.dso.cache;

import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider test double: answers with its current value, and can hold a fetch back (a slow
 * provider) after reading the value, as a slow network answer with an old value would look.
 */
final class ScriptedProvider implements SecretProvider {
  private volatile String current;
  private final ConcurrentLinkedQueue<CountDownLatch> holds = new ConcurrentLinkedQueue<>();
  final AtomicInteger fetches = new AtomicInteger();
  final AtomicInteger inside = new AtomicInteger();
  final AtomicInteger maxInside = new AtomicInteger();
  /** Counted down when a held fetch has read its value and waits. */
  final CountDownLatch holding = new CountDownLatch(1);

  ScriptedProvider(String value) {
    this.current = value;
  }

  void set(String value) {
    current = value;
  }

  /** The next fetch reads the value, then waits until {@code release} is counted down. */
  void holdNext(CountDownLatch release) {
    holds.add(release);
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    int now = inside.incrementAndGet();
    maxInside.accumulateAndGet(now, Math::max);
    try {
      fetches.incrementAndGet();
      String value = current;
      CountDownLatch hold = holds.poll();
      if (hold != null) {
        holding.countDown();
        try {
          hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return new SecretPayload(Map.of("TOKEN", value));
    } finally {
      inside.decrementAndGet();
    }
  }
}
