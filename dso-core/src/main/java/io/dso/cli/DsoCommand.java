package io.dso.cli;

import picocli.CommandLine.Command;

/** The {@code dso} command: a subcommand is required. */
@Command(
    name = "dso",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Docker Secret Operator: secrets from secret managers into Docker containers, kept fresh.",
    subcommands = {AgentCommand.class, ValidateCommand.class, ConfigCommand.class, InspectCommand.class, VersionCommand.class,
        io.dso.cli.compose.UpCommand.class, io.dso.cli.compose.DownCommand.class, io.dso.cli.compose.ComposeCommand.class,
        NotificationsCommand.class,
        io.dso.cli.secret.InitCommand.class, io.dso.cli.secret.SecretCommand.class})
public final class DsoCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required (try: dso agent -c dso.yaml)");
  }
}
