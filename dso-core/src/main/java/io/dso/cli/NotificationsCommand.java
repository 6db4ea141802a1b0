package io.dso.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dso notifications}: the group of notification commands. */
@Command(name = "notifications", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Work with the notification destinations of dso.yaml.",
    subcommands = NotificationsTestCommand.class)
public final class NotificationsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required (try: dso notifications test)");
  }
}
