package io.dso.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.config.RetrySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The resilience wrapper around change checks, batch reads, retirement and Retry-After hints. */
class ResilientProviderSpiTest {
  private static final SecretRef REF = new SecretRef("vault", "app/db");
  private static final Duration BASE = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(10);

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @AfterEach
  void shutdown() {
    executor.shutdownNow();
  }

  private ResilientProvider resilient(SecretProvider delegate, int attempts) {
    return new ResilientProvider(delegate, "vault", new RetrySettings(attempts, BASE, MAX), Duration.ofSeconds(5),
        executor, sleeps::add, new Random(7));
  }

  private static ProviderException throttled(Duration retryAfter) {
    return new ProviderException("vault", REF.name(), true, "429 throttled", null, retryAfter);
  }

  @Test
  void aRetryAfterHintMakesTheNextAttemptWaitAtLeastThatLong() {
    AtomicInteger calls = new AtomicInteger();
    SecretProvider p = resilient(ref -> {
      if (calls.incrementAndGet() == 1) {
        throw throttled(Duration.ofSeconds(3));
      }
      return new SecretPayload(Map.of("value", "x"));
    }, 3);

    p.fetch(REF);

    assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void aRetryAfterHintBeyondMaxBackoffIsCappedAtMaxBackoff() {
    SecretProvider p = resilient(ref -> {
      throw throttled(Duration.ofMinutes(10));
    }, 2);

    assertThatThrownBy(() -> p.fetch(REF)).isInstanceOf(ProviderException.class);

    assertThat(sleeps).containsExactly(MAX);
  }

  @Test
  void changeChecksAreRetriedAndDeniedIsNotAndBothReachTheCaller() {
    AtomicInteger calls = new AtomicInteger();
    SecretProvider retried = resilient(new SecretProvider() {
      @Override
      public SecretPayload fetch(SecretRef ref) {
        throw new AssertionError("a change check must not read");
      }

      @Override
      public Optional<String> changeToken(SecretRef ref) {
        if (calls.incrementAndGet() < 3) {
          throw throttled(null);
        }
        return Optional.of("v7");
      }
    }, 3);
    assertThat(retried.changeToken(REF)).contains("v7");
    assertThat(calls).hasValue(3);

    AtomicInteger deniedCalls = new AtomicInteger();
    SecretAccessDeniedException denied = new SecretAccessDeniedException("vault", REF.name(), "check the policy");
    SecretProvider refused = resilient(new SecretProvider() {
      @Override
      public SecretPayload fetch(SecretRef ref) {
        throw new AssertionError();
      }

      @Override
      public Optional<String> changeToken(SecretRef ref) {
        deniedCalls.incrementAndGet();
        throw denied;
      }
    }, 3);
    assertThatThrownBy(() -> refused.changeToken(REF)).isSameAs(denied);
    assertThat(deniedCalls).hasValue(1);
  }

  @Test
  void aBatchIsOneCallAndOnlyItsRetryableFailuresAreFetchedAgainOneByOne() {
    SecretRef a = new SecretRef("vault", "a");
    SecretRef b = new SecretRef("vault", "b");
    SecretRef c = new SecretRef("vault", "c");
    AtomicInteger batches = new AtomicInteger();
    List<String> singles = new CopyOnWriteArrayList<>();
    SecretProvider p = resilient(new SecretProvider() {
      @Override
      public SecretPayload fetch(SecretRef ref) {
        singles.add(ref.name());
        return new SecretPayload(Map.of("value", "again-" + ref.name()));
      }

      @Override
      public List<FetchResult> fetchAll(List<SecretRef> refs) {
        batches.incrementAndGet();
        return List.of(
            FetchResult.of(a, new SecretPayload(Map.of("value", "1"))),
            FetchResult.failed(b, throttled(null)),
            FetchResult.failed(c, new SecretNotFoundException("vault", "c", "no such secret")));
      }
    }, 3);

    List<FetchResult> results = p.fetchAll(List.of(a, b, c));

    assertThat(batches).hasValue(1);
    assertThat(singles).containsExactly("b");
    assertThat(results.get(0).payload().values()).containsEntry("value", "1");
    assertThat(results.get(1).payload().values()).containsEntry("value", "again-b");
    assertThat(results.get(2).error()).isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void retirementIsForwardedWithRetries() {
    AtomicInteger calls = new AtomicInteger();
    List<SecretPayload> retired = new CopyOnWriteArrayList<>();
    SecretPayload old = new SecretPayload(Map.of("username", "u1"));
    SecretProvider p = resilient(new SecretProvider() {
      @Override
      public SecretPayload fetch(SecretRef ref) {
        throw new AssertionError();
      }

      @Override
      public void retire(SecretRef ref, SecretPayload payload) {
        if (calls.incrementAndGet() == 1) {
          throw throttled(null);
        }
        retired.add(payload);
      }
    }, 3);

    p.retire(REF, old);

    assertThat(retired).containsExactly(old);
  }
}
