package io.dso.cli.secret;

import io.dso.cli.VersionCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dso secret}: the local vault's entries; a subcommand is required. */
@Command(name = "secret", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = {"Manage entries of the local encrypted vault (create it with 'dso init').",
        "Names are <project>/<path> (letters, digits, '_', '.', '-'), referenced in Compose files as dso://<name>.",
        "The vault is $DSO_HOME/vault.enc, else ~/.dso/vault.enc; DSO_MASTER_KEY wins over master.key."},
    subcommands = {SecretSetCommand.class, SecretGetCommand.class, SecretListCommand.class, SecretRmCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:failure (no vault, damaged vault, wrong master key)", "2:usage error (bad name)",
        "4:no such entry", "5:permission denied"})
public final class SecretCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: set, get, list or rm");
  }
}
