package io.dso.cli.compose;

import io.dso.cli.VersionCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dso up}: Compose {@code up} with secret references resolved, values only in Compose's environment. */
@Command(name = "up", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    modelTransformer = ComposeMixin.PassUnknown.class,
    description = "Start a Compose project whose environment holds dso:// (value) and dsofile:// (file "
        + "path) references. Values reach Docker Compose only through its process environment; the "
        + "generated override file (last -f, under $DSO_HOME/compose/<project>/) holds references "
        + "and labels, never a value. With a running agent the services are rotated when a secret "
        + "changes.",
    footerHeading = "%nExit codes:%n",
    footer = {"  0 ok, 1 failure (or Compose's own exit code), 2 usage error, 4 secret not found, 5 permission denied",
        "Example: dso up -d    dso up --dry-run --json    dso up -f a.yml -f b.yml -d --build"})
public final class UpCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ComposeMixin common;

  @Option(names = "--dry-run", description = "Print the plan (services, variables, secrets, keys, mode); start and write nothing.")
  boolean dryRun;

  @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "With -d: how long to wait for every service to run (and be healthy) (default: ${DEFAULT-VALUE}).")
  long waitSeconds;

  @Parameters(paramLabel = "COMPOSE_ARGS", description = "Arguments for 'compose up', e.g. -d, --build, service names.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> up = new ArrayList<>(List.of("up"));
    up.addAll(args);
    return ComposeWorkflow.real(spec.commandLine().getOut(), spec.commandLine().getErr())
        .run(common.options(dryRun, Duration.ofSeconds(waitSeconds)), up, true);
  }
}
