package io.dso.compose;

import io.dso.DsoException;
import io.dso.agent.StateDir;
import io.dso.api.ApiException;
import io.dso.config.ConfigLoader;
import io.dso.config.DsoConfig;
import io.dso.config.ProviderSpec;
import io.dso.config.SecretSpec;
import io.dso.inject.ComposeFiles;
import io.dso.inject.SecretsDir;
import io.dso.localvault.LocalVault;
import io.dso.provider.ProviderCatalog;
import io.dso.provider.ProviderException;
import io.dso.provider.ProviderRegistry;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The planner when no agent runs: reads {@code dso.yaml} and fetches from its providers in this
 * process, or, without a {@code dso.yaml}, reads the local vault. Nothing is cached beyond one plan,
 * no version label is set (no agent key exists here: an agent started later rotates each service
 * once, onto the values it fetched itself), and {@code dsofile://} files go to the same tmpfs
 * directory the agent would use.
 */
public final class InProcessPlanner implements ComposePlanner {
  private final DsoConfig config;
  private final Map<String, String> env;

  private InProcessPlanner(DsoConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
  }

  /**
   * A planner over {@code configOrNull}; null means {@code ./dso.yaml} when present, else the local
   * vault. An invalid config fails here (with the loader's message), before anything is planned.
   */
  public static ComposePlanner create(Path configOrNull) {
    Map<String, String> env = System.getenv();
    Path path = configOrNull;
    if (path == null && Files.isRegularFile(Path.of("dso.yaml"))) {
      path = Path.of("dso.yaml");
    }
    DsoConfig config = path == null ? null : new ConfigLoader(env, catalog()).load(path.toAbsolutePath());
    return new InProcessPlanner(config, env);
  }

  /** Removes the {@code dsofile://} files of a project written without an agent (after its stack went down). */
  public static boolean wipeFiles(String project) {
    return files(System.getenv()).wipe(project);
  }

  @Override
  public ComposePlan.Response plan(ComposePlan.Request request) {
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    try (executor; ProviderRegistry providers = config == null ? null
        : ProviderRegistry.open(config, catalog(), env, Clock.systemUTC(), executor, Thread::sleep)) {
      return new Planning(sources(providers)).plan(request);
    }
  }

  private static ProviderCatalog catalog() {
    String home = System.getProperty("dso.home");
    return ProviderCatalog.discover(home == null ? null : Path.of(home, "plugins"));
  }

  private static ComposeFiles files(Map<String, String> env) {
    boolean root = StateDir.runningAsRoot();
    return new ComposeFiles(() -> SecretsDir.prepare(SecretsDir.defaultFor(root, env), root));
  }

  private PlanSources sources(ProviderRegistry providers) {
    Map<String, SecretPayload> fetched = new HashMap<>();
    List<String> vaults = config == null ? List.of() : config.providers().values().stream()
        .filter(p -> p.type().equals(AgentPlanner.VAULT_TYPE)).map(ProviderSpec::name).toList();
    ComposeFiles files = files(env);
    return new PlanSources() {
      @Override
      public Optional<SecretSpec> declared(String name) {
        return config == null ? Optional.empty() : config.secret(name);
      }

      @Override
      public List<String> declaredNames() {
        return config == null ? List.of() : config.secrets().stream().map(SecretSpec::name).toList();
      }

      @Override
      public SecretPayload payload(SecretSpec spec) {
        return fetched.computeIfAbsent(spec.name(), n -> fetch(spec.provider(), n).orElseThrow(() -> new ApiException(404,
            "secret '" + n + "' is declared but provider '" + spec.provider() + "' has no such secret; create it there")));
      }

      private Optional<SecretPayload> fetch(String provider, String name) {
        try {
          return Optional.of(providers.get(provider).fetch(new SecretRef(provider, name)));
        } catch (SecretNotFoundException e) {
          return Optional.empty();
        } catch (ProviderException e) {
          throw new ApiException(502, "provider '" + provider + "' failed reading '" + name + "': " + e.getMessage());
        }
      }

      @Override
      public boolean vault() {
        return config == null || !vaults.isEmpty();
      }

      @Override
      public Optional<SecretPayload> vaultEntry(String name) {
        if (config != null) {
          for (String provider : vaults) {
            Optional<SecretPayload> p = fetch(provider, name);
            if (p.isPresent()) {
              return p;
            }
          }
          return Optional.empty();
        }
        try {
          return LocalVault.open(LocalVault.defaultDir()).get(name).map(v -> new SecretPayload(Map.of("value", v)));
        } catch (ApiException e) {
          throw e;
        } catch (DsoException e) {
          throw new ApiException(500, e.getMessage());
        }
      }

      @Override
      public String version(SecretSpec spec, SecretPayload payload) {
        return null;
      }

      @Override
      public ComposeFiles files() {
        return files;
      }

      @Override
      public boolean rotating() {
        return false;
      }
    };
  }
}
