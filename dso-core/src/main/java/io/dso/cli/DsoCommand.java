package io.dso.cli;

import picocli.CommandLine.Command;

/** The {@code dso} command: a subcommand is required. */
@Command(
    name = "dso",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Docker Secret Operator: secrets from secret managers into Docker containers, kept fresh.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:failure (the message says what to do)",
      "2:usage error (unknown command or option, bad value)",
      "3:agent not reachable",
      "4:not found (secret or vault entry)",
      "5:permission denied",
    },
    footer = "%nRun 'dso COMMAND --help' for a command's options; --debug prints stack traces.",
    // a new command adds its class here (one a line: merges stay easy)
    subcommands = {
      AgentCommand.class,
      ValidateCommand.class,
      ConfigCommand.class,
      InspectCommand.class,
      VersionCommand.class,
      InstallPluginCommand.class,
      NotificationsCommand.class,
      io.dso.cli.secret.InitCommand.class,
      io.dso.cli.secret.SecretCommand.class,
      MigrateCommand.class,
      io.dso.cli.diag.StatusCommand.class,
      io.dso.cli.diag.DoctorCommand.class,
      io.dso.cli.diag.SyncCommand.class,
      io.dso.cli.diag.FetchCommand.class,
      io.dso.cli.diag.WatchCommand.class,
      io.dso.cli.diag.LogsCommand.class,
      io.dso.cli.compose.UpCommand.class,
      io.dso.cli.compose.DownCommand.class,
      io.dso.cli.compose.ComposeCommand.class,
    })
public final class DsoCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required (try: dso agent -c dso.yaml)");
  }
}
