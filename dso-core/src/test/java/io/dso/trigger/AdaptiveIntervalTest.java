package io.dso.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class AdaptiveIntervalTest {
  private static final Duration BASE = Duration.ofSeconds(30);

  /** A generator whose nextDouble(origin, bound) always returns the same point of the range. */
  private static RandomGenerator at(double fraction) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble(double origin, double bound) {
        return origin + (bound - origin) * fraction;
      }
    };
  }

  @Test
  void growsByHalfPerUnchangedPollUpToFourTimesTheBase() {
    AdaptiveInterval i = new AdaptiveInterval(BASE, at(0.5));
    assertThat(i.current()).isEqualTo(BASE);
    i.unchanged();
    assertThat(i.current()).isEqualTo(Duration.ofSeconds(45));
    i.unchanged();
    assertThat(i.current()).isEqualTo(Duration.ofMillis(67_500));
    i.unchanged();
    assertThat(i.current()).isEqualTo(Duration.ofMillis(101_250));
    for (int n = 0; n < 20; n++) {
      i.unchanged();
    }
    assertThat(i.current()).isEqualTo(BASE.multipliedBy(4));
  }

  @Test
  void aChangeSnapsBackToTheBase() {
    AdaptiveInterval i = new AdaptiveInterval(BASE, at(0.5));
    for (int n = 0; n < 5; n++) {
      i.unchanged();
    }
    i.changed();
    assertThat(i.current()).isEqualTo(BASE);
  }

  @Test
  void jitterStaysWithinTenPercent() {
    assertThat(new AdaptiveInterval(BASE, at(0.0)).nextWait()).isEqualTo(Duration.ofSeconds(27));
    assertThat(new AdaptiveInterval(BASE, at(0.5)).nextWait()).isEqualTo(BASE);
    assertThat(new AdaptiveInterval(BASE, at(1.0)).nextWait()).isEqualTo(Duration.ofSeconds(33));

    AdaptiveInterval real = new AdaptiveInterval(BASE, new SplittableRandom(42));
    real.unchanged();
    for (int n = 0; n < 1000; n++) {
      assertThat(real.nextWait()).isBetween(Duration.ofMillis(40_500), Duration.ofMillis(49_500));
    }
  }

  @Test
  void fixedIntervalNeverGrowsButJitters() {
    AdaptiveInterval ttl = AdaptiveInterval.fixed(Duration.ofMinutes(5), at(1.0));
    ttl.unchanged();
    ttl.unchanged();
    assertThat(ttl.current()).isEqualTo(Duration.ofMinutes(5));
    assertThat(ttl.nextWait()).isEqualTo(Duration.ofSeconds(330));
  }

  @Test
  void nonPositiveBaseIsRejected() {
    assertThatThrownBy(() -> new AdaptiveInterval(Duration.ZERO, at(0.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be positive");
  }
}
