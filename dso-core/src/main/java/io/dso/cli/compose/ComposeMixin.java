package io.dso.cli.compose;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options {@code up}, {@code down} and {@code compose} share; everything else goes to Compose. */
public final class ComposeMixin {
  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "Compose file; repeat it, later files override earlier ones (default: compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml).")
  List<String> files = new ArrayList<>();

  @Option(names = {"-p", "--project-name"}, paramLabel = "NAME",
      description = "Project name (default: COMPOSE_PROJECT_NAME, the file's 'name:', else the directory's name).")
  String project;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "dso.yaml used when no agent runs (default: ./dso.yaml, else the local vault).")
  Path config;

  @Option(names = "--json", description = "Print JSON on stdout (Compose's own output goes to stderr).")
  boolean json;

  @Option(names = "--debug", description = "Stack traces on errors.")
  boolean debug;

  ComposeWorkflow.Options options(boolean dryRun, Duration waitTimeout) {
    return new ComposeWorkflow.Options(files, project, config, json, dryRun, waitTimeout);
  }

  /** Options we do not know are Compose's: they are passed on in order instead of refused. */
  public static final class PassUnknown implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
      spec.parser().unmatchedOptionsArePositionalParams(true);
      return spec;
    }
  }

  /** As {@link PassUnknown}, and everything from the first Compose word on belongs to Compose. */
  public static final class PassAfterCommand implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
      spec.parser().unmatchedOptionsArePositionalParams(true).stopAtPositional(true);
      return spec;
    }
  }
}
