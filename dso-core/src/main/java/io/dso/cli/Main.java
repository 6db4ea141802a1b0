package io.dso.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
    String[] effective = withoutPluginName(args);
    return commandLine(effective).execute(effective);
  }

  /** Docker CLI plugins are invoked as {@code docker-dso dso <args>}: the first argument is our own name. */
  static String[] withoutPluginName(String[] args) {
    return args.length > 0 && args[0].equals("dso") ? Arrays.copyOfRange(args, 1, args.length) : args;
  }

  /** The whole command tree with the global {@code --debug} option and the error handlers set. */
  public static CommandLine commandLine() {
    return withHandlers(new CommandLine(new DsoCommand()));
  }

  /**
   * The tree needed to run {@code args}: when they name a command, only that one is built (the
   * usage error, help and suggestions of a subcommand need nothing else); otherwise the whole
   * tree, for {@code dso --help} and "did you mean".
   */
  static CommandLine commandLine(String[] args) {
    String name = firstWord(args);
    if (name != null) {
      // picocli builds the model of every command listed on DsoCommand up front, and that is
      // most of a one-shot command's time: build the one asked for under a bare root instead
      for (Class<?> command : DsoCommand.class.getAnnotation(Command.class).subcommands()) {
        if (names(command).contains(name)) {
          return withHandlers(ownParser(new CommandLine(bareRoot()).addSubcommand(command), command));
        }
      }
    }
    return commandLine();
  }

  /**
   * The first argument that is not an option (the root has only flags, so this is the command);
   * none when the root's help or version is asked for first, which lists every command.
   */
  private static String firstWord(String[] args) {
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
        return null;
      }
      if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
  }

  /**
   * addSubcommand gives a command its parent's parser settings: a command whose model transformer
   * sets its own (the Compose commands pass unknown options on to Compose) gets them back.
   */
  private static CommandLine ownParser(CommandLine root, Class<?> command) {
    Class<? extends CommandLine.IModelTransformer> transformer = command.getAnnotation(Command.class).modelTransformer();
    if (CommandLine.IModelTransformer.class != transformer && !transformer.getSimpleName().equals("NoOpModelTransformer")) {
      CommandLine sub = root.getSubcommands().get(command.getAnnotation(Command.class).name());
      try {
        transformer.getDeclaredConstructor().newInstance().transform(sub.getCommandSpec());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("model transformer " + transformer.getName() + " needs a public no-arg constructor", e);
      }
    }
    return root;
  }

  private static List<String> names(Class<?> command) {
    Command c = command.getAnnotation(Command.class);
    List<String> names = new ArrayList<>(List.of(c.aliases()));
    names.add(c.name());
    return names;
  }

  private static CommandLine withHandlers(CommandLine cli) {
    addDebugOption(cli);
    cli.setExecutionExceptionHandler(new ErrorReporter());
    cli.setParameterExceptionHandler(new UsageErrorReporter());
    return cli;
  }

  /**
   * {@code dso} with its own options and no command: the root of a tree built for one command.
   * Still a {@link DsoCommand}, so a command's {@code @ParentCommand DsoCommand} gets what it expects.
   */
  private static CommandSpec bareRoot() {
    return CommandSpec.wrapWithoutInspection(new DsoCommand())
        .name("dso")
        .mixinStandardHelpOptions(true)
        .versionProvider(new VersionCommand.Provider());
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
