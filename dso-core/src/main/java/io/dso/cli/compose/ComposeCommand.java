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

/** {@code dso compose <args>}: any Compose command, with the project's secret values in Compose's environment. */
@Command(name = "compose", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    modelTransformer = ComposeMixin.PassAfterCommand.class,
    description = "Run any Docker Compose command (ps, logs, restart, config, ...) on a project with dso:// "
        + "references, the values given to Compose in its environment as 'dso up' does. dso's own "
        + "options (-f, -p, -c, --json, --dry-run) come before the Compose command; everything "
        + "after it is Compose's.",
    footerHeading = "%nExit codes:%n",
    footer = {"  Compose's own exit code; 1 failure, 2 usage error, 4 secret not found, 5 permission denied",
        "Example: dso compose ps    dso compose -f a.yml logs -f api"})
public final class ComposeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ComposeMixin common;

  @Option(names = "--dry-run", description = "Print the plan; start and write nothing.")
  boolean dryRun;

  @Parameters(arity = "1..*", paramLabel = "COMPOSE_ARGS", description = "The Compose command and its arguments.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    return ComposeWorkflow.real(spec.commandLine().getOut(), spec.commandLine().getErr())
        .run(common.options(dryRun, Duration.ZERO), args, false);
  }
}
