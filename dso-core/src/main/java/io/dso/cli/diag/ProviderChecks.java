package io.dso.cli.diag;

import io.dso.LogText;
import io.dso.config.DsoConfig;
import io.dso.config.ProviderSpec;
import io.dso.config.SecretSpec;
import io.dso.provider.ProviderCatalog;
import io.dso.provider.ProviderException;
import io.dso.provider.ProviderRegistry;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Doctor's provider checks: one cheap call per configured provider, all at once and bounded in
 * time: the change token of its first secret, or (when the backend has none) one read whose value
 * is dropped at once. Only the outcome is reported, never a value.
 */
final class ProviderChecks {
  private ProviderChecks() {}

  static List<Check> run(DsoConfig config, ProviderCatalog catalog, Map<String, String> env, Duration bound) {
    List<Check> out = new ArrayList<>();
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    ProviderRegistry registry = ProviderRegistry.open(config, catalog, env, Clock.systemUTC(), executor, Thread::sleep);
    try {
      Map<ProviderSpec, Future<Check>> pending = new LinkedHashMap<>();
      for (ProviderSpec p : config.providers().values()) {
        Optional<SecretSpec> first = config.secrets().stream().filter(s -> s.provider().equals(p.name())).findFirst();
        if (first.isEmpty()) {
          out.add(Check.warn(name(p), "no secret uses this provider, so it was not called",
              "remove it from dso.yaml or add a secret that uses it"));
          continue;
        }
        SecretProvider provider = registry.get(p.name());
        pending.put(p, executor.submit(() -> probe(p, provider, first.get())));
      }
      long deadline = System.nanoTime() + bound.toNanos();
      for (var e : pending.entrySet()) {
        out.add(await(e.getKey(), e.getValue(), deadline, bound));
      }
    } finally {
      // shutdownNow, not close(): close() would wait for a provider call that ignores interrupts
      executor.shutdownNow();
      registry.close();
    }
    return out;
  }

  private static Check await(ProviderSpec p, Future<Check> f, long deadline, Duration bound) {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return Check.fail(name(p), "no answer within " + bound.toSeconds() + " s",
          "check that the provider's endpoint is reachable from this host (address, proxy, firewall)");
    } catch (ExecutionException e) {
      return Check.fail(name(p), "the check failed: " + LogText.line(String.valueOf(e.getCause().getMessage())),
          "run with --debug, or check the provider's settings in dso.yaml");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.fail(name(p), "interrupted", null);
    }
  }

  static Check probe(ProviderSpec p, SecretProvider provider, SecretSpec secret) {
    SecretRef ref = new SecretRef(p.name(), secret.name());
    try {
      if (provider.changeToken(ref).isEmpty()) {
        provider.fetch(ref); // dropped at once: only "did it answer" matters here
      }
      return Check.pass(name(p), "type " + p.type() + ": answered for secret '" + secret.name() + "' (reachable, access granted)");
    } catch (SecretNotFoundException e) {
      return Check.fail(name(p), "type " + p.type() + ": reachable, but secret '" + secret.name() + "' is not there",
          "create the secret in the provider or fix its name in dso.yaml");
    } catch (SecretAccessDeniedException e) {
      return Check.fail(name(p), "type " + p.type() + ": credentials refused: " + LogText.line(String.valueOf(e.getMessage())),
          "give the agent's credentials read access to '" + secret.name() + "'");
    } catch (ProviderException e) {
      return Check.fail(name(p), "type " + p.type() + ": " + LogText.line(String.valueOf(e.getMessage())),
          "check the provider's address and credentials in dso.yaml (dso validate checks the file itself)");
    }
  }

  private static String name(ProviderSpec p) {
    return "provider " + p.name();
  }
}
