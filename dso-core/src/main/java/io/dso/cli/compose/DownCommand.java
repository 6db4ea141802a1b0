package io.dso.cli.compose;

import io.dso.cli.VersionCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dso down}: Compose {@code down}, then the running agent purges the project's secrets. */
@Command(name = "down", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    modelTransformer = ComposeMixin.PassUnknown.class,
    description = "Stop and remove a Compose project started with 'dso up', then purge its secrets from the "
        + "running agent's cache (audited as secret_purge).",
    footerHeading = "%nExit codes:%n",
    footer = {"  0 ok, 1 failure (or Compose's own exit code), 2 usage error, 5 permission denied"})
public final class DownCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ComposeMixin common;

  @Parameters(paramLabel = "COMPOSE_ARGS", description = "Arguments for 'compose down', e.g. -v, --remove-orphans.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    return ComposeWorkflow.real(spec.commandLine().getOut(), spec.commandLine().getErr())
        .down(common.options(false, Duration.ZERO), args);
  }
}
