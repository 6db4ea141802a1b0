package io.dso.provider;

import io.dso.config.RetrySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a provider with a per-attempt timeout and retries with exponential backoff and jitter on
 * retryable failures, for every call the agent makes (fetch, change check, batch fetch, retirement).
 * "Not found", "access denied" and other non-retryable errors return at once; a backend's
 * Retry-After hint stretches the wait before the next attempt (up to the configured max backoff).
 */
public final class ResilientProvider implements SecretProvider {
  private static final Logger LOG = LoggerFactory.getLogger(ResilientProvider.class);

  /** Blocks between attempts; a seam so that tests neither sleep nor flake. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** The most secrets a backend answers in one batch call (AWS BatchGetSecretValue: 20). */
  static final int BATCH_GROUP = 20;

  private final SecretProvider delegate;
  private final String providerName;
  private final int attempts;
  private final Duration timeout;
  private final Backoff backoff;
  private final ExecutorService executor;
  private final Sleeper sleeper;
  private final RandomGenerator random;

  public ResilientProvider(
      SecretProvider delegate,
      String providerName,
      RetrySettings retry,
      Duration timeout,
      ExecutorService executor,
      Sleeper sleeper,
      RandomGenerator random) {
    this.delegate = delegate;
    this.providerName = providerName;
    this.attempts = Math.max(1, retry.attempts());
    this.timeout = timeout;
    this.backoff = new Backoff(retry.backoff(), retry.maxBackoff());
    this.executor = executor;
    this.sleeper = sleeper;
    this.random = random;
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    return withRetries(ref.name(), "fetch", timeout, () -> delegate.fetch(ref));
  }

  @Override
  public Optional<String> changeToken(SecretRef ref) {
    return withRetries(ref.name(), "change check", timeout, () -> delegate.changeToken(ref));
  }

  /**
   * One batch call with the same timeout and retries as a fetch; a batch may take one timeout per
   * started group of {@link #BATCH_GROUP} secrets. Secrets whose own result is a retryable failure
   * are then fetched one by one (with retries), so a batch is never less resilient than single reads.
   */
  @Override
  public List<FetchResult> fetchAll(List<SecretRef> refs) {
    if (refs.isEmpty()) {
      return List.of();
    }
    String what = refs.size() == 1 ? refs.getFirst().name() : refs.size() + " secrets";
    Duration batchTimeout = timeout.multipliedBy((refs.size() + BATCH_GROUP - 1) / BATCH_GROUP);
    List<FetchResult> results = withRetries(what, "batch fetch", batchTimeout, () -> delegate.fetchAll(refs));
    if (results == null || results.size() != refs.size()) {
      throw new ProviderException(providerName, what, false, "provider '" + providerName + "' answered a batch of "
          + refs.size() + " secrets with " + (results == null ? 0 : results.size()) + " results (a provider bug)");
    }
    List<FetchResult> out = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      FetchResult r = results.get(i);
      SecretRef ref = refs.get(i);
      if (r.error() != null && r.error().retryable() && !(r.error() instanceof SecretNotFoundException)) {
        try {
          r = FetchResult.of(ref, fetch(ref));
        } catch (ProviderException e) {
          r = FetchResult.failed(ref, e);
        }
      }
      out.add(r);
    }
    return out;
  }

  @Override
  public void retire(SecretRef ref, SecretPayload payload) {
    withRetries(ref.name(), "retirement", timeout, () -> {
      delegate.retire(ref, payload);
      return null;
    });
  }

  private <T> T withRetries(String secret, String operation, Duration limit, Callable<T> call) {
    ProviderException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        Duration wait = backoff.delay(attempt - 1, random, last.retryAfter().orElse(null));
        LOG.info(
            "retrying the {} of '{}' from provider '{}' in {} ms (attempt {}/{}): {}",
            operation,
            secret,
            providerName,
            wait.toMillis(),
            attempt,
            attempts,
            last.getMessage());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ProviderException(providerName, secret, false, operation + " interrupted", e);
        }
      }
      try {
        return attempt(secret, operation, limit, call);
      } catch (ProviderException e) {
        if (!e.retryable()) {
          throw e;
        }
        last = e;
      }
    }
    throw new ProviderException(
        providerName,
        secret,
        true,
        last.getMessage() + " (gave up after " + attempts + " attempts)",
        last,
        last.retryAfter().orElse(null));
  }

  private <T> T attempt(String secret, String operation, Duration limit, Callable<T> call) {
    Future<T> future = executor.submit(call);
    try {
      return future.get(limit.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new ProviderException(
          providerName,
          secret,
          true,
          "provider '" + providerName + "' did not answer within " + limit.toMillis()
              + " ms for the " + operation + " of '" + secret + "'; check its reachability or raise its timeout",
          e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ProviderException(providerName, secret, false, operation + " interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ProviderException pe) {
        throw pe;
      }
      // A provider bug: report its type only, library messages may quote payload bytes.
      // A provider bug is deterministic: retrying only delays the error.
      throw new ProviderException(
          providerName,
          secret,
          false,
          "provider '" + providerName + "' failed unexpectedly in the " + operation + " of '" + secret + "' ("
              + e.getCause().getClass().getSimpleName() + ")",
          null);
    }
  }

  @Override
  public void close() {
    delegate.close();
  }
}
