package io.dso.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.cache.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeGateTest {
  private static final Duration COOLDOWN = Duration.ofSeconds(30);

  private final MutableClock clock = MutableClock.at("2026-04-01T10:00:00Z");
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final List<String> fired = new ArrayList<>();
  private final List<Instant> firedAt = new ArrayList<>();
  private final ChangeGate gate = new ChangeGate(COOLDOWN, clock, scheduler, s -> {
    fired.add(s);
    firedAt.add(clock.instant());
  });

  @Test
  void firstChangeAfterAQuietPeriodFiresAtOnce() {
    gate.changed("db");

    assertThat(fired).containsExactly("db");
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void tenChangesInsideTheCooldownFireExactlyOnceMoreAtItsEnd() {
    gate.changed("db");
    for (int n = 0; n < 10; n++) {
      scheduler.advance(Duration.ofSeconds(2));
      gate.changed("db");
    }
    assertThat(fired).as("nothing more before the cooldown ends").hasSize(1);

    scheduler.advance(Duration.ofSeconds(9));
    assertThat(fired).hasSize(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(fired).containsExactly("db", "db");
    assertThat(firedAt.get(1)).isEqualTo(firedAt.get(0).plus(COOLDOWN));

    scheduler.advance(Duration.ofMinutes(5));
    assertThat(fired).as("the burst produced exactly one trailing firing").hasSize(2);
  }

  @Test
  void changeAfterAQuietPeriodFiresImmediatelyAgain() {
    gate.changed("db");
    scheduler.advance(COOLDOWN);
    gate.changed("db");

    assertThat(fired).hasSize(2);
    assertThat(firedAt.get(1)).isEqualTo(firedAt.get(0).plus(COOLDOWN));
  }

  @Test
  void changesAfterATrailingFiringStartANewCooldown() {
    gate.changed("db");
    scheduler.advance(Duration.ofSeconds(1));
    gate.changed("db");
    scheduler.advance(Duration.ofSeconds(29));
    assertThat(fired).hasSize(2);

    scheduler.advance(Duration.ofSeconds(5));
    gate.changed("db");
    assertThat(fired).as("within the cooldown of the trailing firing").hasSize(2);
    scheduler.advance(Duration.ofSeconds(25));
    assertThat(fired).hasSize(3);
  }

  @Test
  void secretsHaveTheirOwnCooldown() {
    gate.changed("db");
    gate.changed("api");
    gate.changed("db");

    assertThat(fired).containsExactly("db", "api");
  }

  @Test
  void closeDropsPendingFiringsAndIgnoresLaterChanges() {
    gate.changed("db");
    gate.changed("db");
    gate.close();
    scheduler.advance(Duration.ofMinutes(1));
    gate.changed("db");

    assertThat(fired).containsExactly("db");
  }

  @Test
  void failingDownstreamDoesNotBreakTheGate() {
    List<String> seen = new ArrayList<>();
    ChangeGate failing = new ChangeGate(COOLDOWN, clock, scheduler, s -> {
      seen.add(s);
      throw new IllegalStateException("boom");
    });
    failing.changed("db");
    failing.changed("db");
    scheduler.advance(COOLDOWN);

    assertThat(seen).hasSize(2);
  }
}
