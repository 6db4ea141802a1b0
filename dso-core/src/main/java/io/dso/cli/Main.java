package io.dso.cli;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Entry point of {@code dso} and {@code docker-dso}. Builds nothing but the picocli model: a
 * one-shot command must not start logging, Jetty or the Docker client (start-up time matters).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code; never calls {@code System.exit}. */
  public static int run(String... args) {
    return commandLine().execute(withoutPluginName(args));
  }

  /** Docker CLI plugins are invoked as {@code docker-dso dso <args>}: the first argument is our own name. */
  static String[] withoutPluginName(String[] args) {
    return args.length > 0 && args[0].equals("dso") ? Arrays.copyOfRange(args, 1, args.length) : args;
  }

  /** The whole command tree with the global {@code --debug} option and the error handlers set. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new DsoCommand());
    addDebugOption(cli);
    cli.setExecutionExceptionHandler(new ErrorReporter());
    cli.setParameterExceptionHandler(new UsageErrorReporter());
    return cli;
  }

  /**
   * {@code --debug} is accepted by every command, also ones added later, without each declaring
   * it; a command that declares its own (the agent's) keeps it.
   */
  private static void addDebugOption(CommandLine cli) {
    CommandSpec spec = cli.getCommandSpec();
    if (spec.findOption("--debug") == null) {
      spec.addOption(OptionSpec.builder("--debug")
          .description("Print the stack trace of an error (also: DSO_DEBUG=1).")
          .build());
    }
    for (CommandLine sub : cli.getSubcommands().values()) {
      addDebugOption(sub);
    }
  }
}
