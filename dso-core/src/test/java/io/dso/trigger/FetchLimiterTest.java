package io.dso.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FetchLimiterTest {
  private final AtomicLong now = new AtomicLong();

  @Test
  void bucketAllowsTheBurstThenRefillsAtTheRate() {
    TokenBucket bucket = new TokenBucket(20, 40, now::get);
    int granted = 0;
    while (bucket.tryAcquire()) {
      granted++;
    }
    assertThat(granted).isEqualTo(40);
    assertThat(bucket.nanosUntilAvailable()).isEqualTo(50_000_000L);

    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    granted = 0;
    while (bucket.tryAcquire()) {
      granted++;
    }
    assertThat(granted).isEqualTo(20);

    now.addAndGet(TimeUnit.HOURS.toNanos(1));
    granted = 0;
    while (bucket.tryAcquire()) {
      granted++;
    }
    assertThat(granted).as("refill is capped at the burst").isEqualTo(40);
  }

  @Test
  void fetchesBeyondTheBurstWaitForTokensPerProvider() throws InterruptedException {
    List<Long> sleeps = new ArrayList<>();
    // The fake sleeper moves the fake time forward: no real waiting.
    FetchLimiter limiter = new FetchLimiter(8, 50, 50, now::get, nanos -> {
      sleeps.add(nanos);
      now.addAndGet(nanos);
    });
    for (int n = 0; n < 150; n++) {
      limiter.run("aws", () -> 1);
    }
    // 50 at once, then 100 more at 50/s take two seconds of (fake) time.
    assertThat(now.get()).isBetween(TimeUnit.MILLISECONDS.toNanos(1990), TimeUnit.MILLISECONDS.toNanos(2100));
    assertThat(sleeps).hasSizeGreaterThanOrEqualTo(100);

    long before = now.get();
    for (int n = 0; n < 50; n++) {
      limiter.run("vault", () -> 1);
    }
    assertThat(now.get()).as("each provider has its own bucket").isEqualTo(before);
  }

  @Test
  void atMostEightFetchesOfOneProviderRunAtOnce() throws Exception {
    FetchLimiter limiter = new FetchLimiter();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(20);
    for (int n = 0; n < 20; n++) {
      Thread.ofVirtual().start(() -> {
        try {
          limiter.run("aws", () -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
              release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return null;
          });
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          done.countDown();
        }
      });
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .until(() -> limiter.inFlight("aws") == FetchLimiter.CONCURRENCY);
    assertThat(running.get()).isEqualTo(FetchLimiter.CONCURRENCY);
    release.countDown();
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(peak.get()).isEqualTo(FetchLimiter.CONCURRENCY);
  }
}
