package io.dso.cli.diag;

import io.dso.agent.StateDir;
import io.dso.cli.Plugins;
import io.dso.cli.VersionCommand;
import io.dso.config.ConfigException;
import io.dso.config.ConfigLoader;
import io.dso.config.ConfigProblem;
import io.dso.config.ConfigUnreadableException;
import io.dso.config.DsoConfig;
import io.dso.inject.SecretsDir;
import io.dso.provider.ProviderCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dso doctor}: read-only checks of this host and project, each PASS, WARN or FAIL with how
 * to fix it. Exit 1 when any check fails.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Check this host and project (Docker, config, providers, agent socket, secrets dir, Compose files); changes nothing.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:no check failed (warnings allowed)", "1:a check failed", "2:usage error"})
public final class DoctorCommand implements Callable<Integer> {
  static final Duration DOCKER_BOUND = Duration.ofSeconds(5);
  static final Duration PROVIDERS_BOUND = Duration.ofSeconds(20);
  static final Duration SOCKET_BOUND = Duration.ofSeconds(5);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin AgentCall agent;

  @Option(names = {"-c", "--config"}, description = "Config file (default: ./dso.yaml, then /etc/dso/dso.yaml).")
  Path config;

  @Option(names = "--plugins-dir", description = "Where provider plugins live (default: the distribution's plugins/).")
  Path pluginsDir;

  @Option(names = "--docker-host", description = "Docker daemon (default: $DOCKER_HOST, else unix:///var/run/docker.sock).")
  String dockerHost;

  @Option(names = "--secrets-dir", description = "The agent's tmpfs for file-mode secrets (default: as the agent chooses).")
  Path secretsDir;

  @Option(names = "--project-dir", description = "Compose project to check (default: the current directory).")
  Path projectDir;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> env = System.getenv();
    Path cwd = Path.of("").toAbsolutePath();
    String host = dockerHost != null ? dockerHost
        : env.getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    boolean root = StateDir.runningAsRoot();

    List<Check> checks = new ArrayList<>();
    checks.add(SystemChecks.docker(host, DOCKER_BOUND));
    ProviderCatalog catalog = ProviderCatalog.discover(pluginsDir == null ? Plugins.defaultDir() : pluginsDir);
    DsoConfig loaded = null;
    try {
      Path file = ConfigLoader.resolve(config, cwd);
      loaded = new ConfigLoader(env, catalog).read(file).config();
      checks.add(Check.pass("config", loaded.source() + " is valid (" + loaded.providers().size() + " provider(s), "
          + loaded.secrets().size() + " secret(s))"));
    } catch (ConfigException e) {
      ConfigProblem first = e.problems().getFirst();
      checks.add(Check.fail("config", e.problems().size() + " problem(s), first: " + first.render().lines().findFirst().orElse(""),
          "run `dso validate" + (config == null ? "" : " -c " + config) + "` for every problem with hints"));
    } catch (ConfigUnreadableException e) {
      checks.add(config == null
          ? Check.warn("config", "no dso.yaml here or in /etc/dso", "create one (see examples/quickstart/dso.yaml) or pass -c FILE")
          : Check.fail("config", e.getMessage(), "pass -c with the path of a readable dso.yaml"));
    }
    if (loaded != null) {
      checks.addAll(ProviderChecks.run(loaded, catalog, env, PROVIDERS_BOUND));
    }
    checks.add(bounded("agent socket", SOCKET_BOUND, () -> SystemChecks.socket(agent.shownSocket(), agent.socket)));
    checks.add(SystemChecks.secretsDir(secretsDir != null ? secretsDir : SecretsDir.defaultFor(root, env), root));
    checks.addAll(projectDir != null ? ComposeChecks.runGiven(projectDir) : ComposeChecks.run(cwd));

    boolean failed = checks.stream().anyMatch(c -> c.status() == Check.Status.FAIL);
    if (json) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("ok", !failed);
      body.put("checks", checks.stream().map(Check::toJson).toList());
      Terminal.printJson(out, body);
    } else {
      new DoctorView(Terminal.detect()).render(checks).forEach(out::println);
      out.flush();
    }
    return failed ? AgentCall.FAILURE : AgentCall.OK;
  }

  /** Runs a check that may block (an agent that accepts and never answers) for at most {@code bound}. */
  static Check bounded(String name, Duration bound, java.util.function.Supplier<Check> check) {
    java.util.concurrent.FutureTask<Check> task = new java.util.concurrent.FutureTask<>(check::get);
    Thread.ofVirtual().name("doctor-" + name).start(task);
    try {
      return task.get(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      task.cancel(true);
      return Check.fail(name, "no answer within " + bound.toSeconds() + " s", "see the agent's log; restart it if it hangs");
    } catch (java.util.concurrent.ExecutionException e) {
      return Check.fail(name, "the check failed: " + io.dso.LogText.line(String.valueOf(e.getCause().getMessage())), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.fail(name, "interrupted", null);
    }
  }
}
