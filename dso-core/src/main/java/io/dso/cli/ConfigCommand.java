package io.dso.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dso config}: work on config files; {@code migrate} prints the native form of an original-project file. */
@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Work on dso.yaml files.", subcommands = ConfigCommand.Migrate.class)
public final class ConfigCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (try: dso config migrate -c dso.yaml)");
  }

  /** Validates the file, then prints its native form: same as {@code dso validate --rewrite}. */
  @Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
      description = "Print the native form of a dso.yaml written for the original Docker Secret Operator (${VAR} kept as written).")
  public static final class Migrate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, description = "Config file (default: ./dso.yaml, then /etc/dso/dso.yaml).")
    Path config;

    @Option(names = "--plugins-dir", description = "Where provider plugins live (default: the distribution's plugins/).")
    Path pluginsDir;

    @Override
    public Integer call() throws Exception {
      ValidateCommand validate = new ValidateCommand();
      validate.spec = spec;
      validate.config = config;
      validate.pluginsDir = pluginsDir;
      validate.rewrite = true;
      return validate.call();
    }
  }
}
