package io.dso.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {
  private static final Duration BASE = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(10);

  private static long ceilingNanos(Duration base, Duration max, int n) {
    long c = base.toNanos();
    for (int i = 1; i < n && c < max.toNanos(); i++) {
      c *= 2;
    }
    return Math.min(c, max.toNanos());
  }

  @Test
  void delayIsBetweenHalfTheCeilingAndTheCeiling() {
    Backoff backoff = new Backoff(BASE, MAX);
    Random random = new Random(7);
    for (int n = 1; n <= 12; n++) {
      long ceil = ceilingNanos(BASE, MAX, n);
      for (int i = 0; i < 200; i++) {
        long d = backoff.delay(n, random).toNanos();
        assertThat(d).as("retry %d", n).isBetween(ceil / 2, ceil);
      }
    }
  }

  @Test
  void ceilingDoublesPerRetryUntilTheCap() {
    Backoff backoff = new Backoff(BASE, MAX);
    assertThat(ceilingNanos(BASE, MAX, 1)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(ceilingNanos(BASE, MAX, 4)).isEqualTo(Duration.ofMillis(800).toNanos());
    // retry 4 never waits less than 400 ms, retry 3 never more than 400 ms: waits grow.
    Random random = new Random(1);
    for (int i = 0; i < 100; i++) {
      assertThat(backoff.delay(3, random)).isLessThanOrEqualTo(Duration.ofMillis(400));
      assertThat(backoff.delay(4, random)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 31, 40, 63, 64, 1000, Integer.MAX_VALUE})
  void delayIsCappedAtMaxForLargeRetryNumbersWithoutOverflow(int retry) {
    Backoff backoff = new Backoff(BASE, MAX);
    Random random = new Random(3);
    for (int i = 0; i < 50; i++) {
      Duration d = backoff.delay(retry, random);
      assertThat(d).isBetween(MAX.dividedBy(2), MAX);
    }
  }

  @Test
  void hugeBaseDoesNotOverflow() {
    Duration huge = Duration.ofDays(100_000); // ~273 years, still fits in long nanos
    Backoff backoff = new Backoff(huge, huge);
    Duration d = backoff.delay(40, new Random(5));
    assertThat(d).isBetween(huge.dividedBy(2), huge);
  }

  @Test
  void sameSeedGivesTheSameDelays() {
    Backoff backoff = new Backoff(BASE, MAX);
    Random a = new Random(42);
    Random b = new Random(42);
    List<Duration> first = new ArrayList<>();
    List<Duration> second = new ArrayList<>();
    for (int n = 1; n <= 10; n++) {
      first.add(backoff.delay(n, a));
      second.add(backoff.delay(n, b));
    }
    assertThat(first).isEqualTo(second);
  }

  @Test
  void delaysAreJittered() {
    Backoff backoff = new Backoff(BASE, MAX);
    Random random = new Random(11);
    Set<Duration> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      seen.add(backoff.delay(3, random));
    }
    assertThat(seen).hasSizeGreaterThan(10);
  }

  @Test
  void zeroBaseMeansNoWait() {
    Backoff backoff = new Backoff(Duration.ZERO, Duration.ZERO);
    assertThat(backoff.delay(1, new Random(1))).isZero();
    assertThat(backoff.delay(50, new Random(1))).isZero();
  }

  @Test
  void negativeBaseIsRejected() {
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), MAX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 <= base <= max");
  }

  @Test
  void maxBelowBaseIsRejected() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 <= base <= max");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void retryNumbersBelowOneAreRejected(int retry) {
    Backoff backoff = new Backoff(BASE, MAX);
    assertThatThrownBy(() -> backoff.delay(retry, new Random(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start at 1");
  }
}
