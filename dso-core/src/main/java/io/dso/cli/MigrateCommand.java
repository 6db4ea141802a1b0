package io.dso.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dso.localvault.LocalVault;
import io.dso.localvault.VaultException;
import io.dso.migrate.MigrateException;
import io.dso.migrate.Migration;
import io.dso.migrate.MigrationPlan;
import io.dso.migrate.MigrationPlanner;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dso migrate}: proposes which variables of a {@code .env} + Compose project are secrets and,
 * once confirmed, moves them into the local vault and writes {@code docker-compose.dso.yml}.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = {
        "Move the secrets of a .env + Compose project into the local vault.",
        "Shows which variables look secret (never their values); only with --confirm (or a yes on a terminal)"
            + " imports them in one vault write and writes docker-compose.dso.yml with dso:// references."
            + " The original files are never modified.",
        "Exit codes: 0 ok, 1 failure, 2 usage error, 5 permission denied."})
public final class MigrateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--dir", defaultValue = ".", description = "Project directory (default: the current one).")
  Path dir;

  @Option(names = {"-f", "--file"}, description = "Compose file, relative to --dir (default: compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml).")
  String composeFile;

  @Option(names = "--env-file", description = "The env file used for $${VAR} interpolation, relative to --dir (default: .env beside the Compose file).")
  String envFile;

  @Option(names = {"-p", "--project"}, description = "Project name, the first part of vault names (default: COMPOSE_PROJECT_NAME, the file's name:, the directory's name).")
  String project;

  @Option(names = "--select", split = ",", paramLabel = "VAR", description = "Import these variables even if they do not look secret.")
  List<String> select = List.of();

  @Option(names = "--exclude", split = ",", paramLabel = "VAR", description = "Never import these variables.")
  List<String> exclude = List.of();

  @Option(names = {"-o", "--output"}, description = "The Compose file to write, relative to --dir (default: docker-compose.dso.yml beside the Compose file).")
  String output;

  @Option(names = "--confirm", description = "Import and write without asking.")
  boolean confirm;

  @Option(names = "--dry-run", description = "Show the plan; never touch the vault or the disk.")
  boolean dryRun;

  @Option(names = "--force", description = "Overwrite an existing output file and existing vault entries of the same names.")
  boolean force;

  @Option(names = "--json", description = "Print the plan (and what was done) as JSON.")
  boolean json;

  @Option(names = "--debug", description = "Stack traces on errors.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MigrationPlan plan;
    try {
      plan = MigrationPlanner.plan(new MigrationPlanner.Options(dir, composeFile, envFile, project,
          Set.copyOf(select), Set.copyOf(exclude), output));
    } catch (MigrateException e) {
      err.println("dso: error: " + e.getMessage());
      return e.exitCode();
    }
    if (!json) {
      MigratePreview.print(plan, out);
    }
    boolean apply = !dryRun && !plan.secrets().isEmpty() && (confirm || (!json && askYes(plan, out)));
    String done;
    Path written = null;
    Path vaultDir = null;
    if (dryRun) {
      done = "dry run: nothing imported, nothing written";
    } else if (plan.secrets().isEmpty()) {
      done = "nothing to import (use --select VAR to choose variables); nothing written";
    } else if (!apply) {
      done = "preview only: run again with --confirm to import and write " + plan.output();
    } else {
      vaultDir = LocalVault.defaultDir();
      try {
        written = importAndWrite(plan, vaultDir, err);
      } catch (MigrateException e) {
        err.println("dso: error: " + e.getMessage());
        return e.exitCode();
      } catch (AccessDeniedException e) {
        err.println("dso: error: permission denied on " + e.getFile() + "; run as the owner of the file or fix its mode");
        return 5;
      } catch (VaultException e) {
        // The vault's messages name the file and what to do; nothing was written to the project.
        err.println("dso: error: " + e.getMessage());
        return e.reason() == VaultException.Reason.PERMISSION ? 5 : 1;
      }
      done = "imported " + plan.values().size() + " value(s) into the local vault in " + vaultDir
          + " and wrote " + plan.output() + " (original files untouched). Next: dso up -f " + plan.output()
          + ", then remove the imported values from the original env files";
    }
    if (json) {
      ObjectNode root = plan.toJson();
      root.put("dry_run", dryRun);
      root.put("applied", written != null);
      if (vaultDir != null) {
        root.put("vault_dir", vaultDir.toString());
      }
      out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
      err.println(done);
    } else {
      out.println(done);
    }
    out.flush();
    return 0;
  }

  private Path importAndWrite(MigrationPlan plan, Path vaultDir, PrintWriter err) throws AccessDeniedException {
    Path target = plan.dir().resolve(plan.output());
    if (Files.exists(target) && !force) {
      throw new MigrateException(target + " already exists; pass --force to overwrite it");
    }
    LocalVault vault;
    if (Files.exists(vaultDir.resolve("vault.enc"))) {
      vault = LocalVault.open(vaultDir);
      Set<String> existing = vault.list().stream().map(LocalVault.Entry::name).collect(Collectors.toSet());
      List<String> clash = plan.values().keySet().stream().filter(existing::contains).sorted().toList();
      if (!clash.isEmpty() && !force) {
        throw new MigrateException("the vault already holds " + String.join(", ", clash)
            + "; pass --force to overwrite, or --project NAME to import under another name");
      }
    } else {
      vault = LocalVault.init(vaultDir);
      err.println("created the local vault in " + vaultDir + " (back up its master key: without it the vault cannot be read)");
    }
    return Migration.apply(plan, vault::putAll, force);
  }

  /** On a terminal, asks before importing; elsewhere (pipes, scripts) the answer is no. */
  private static boolean askYes(MigrationPlan plan, PrintWriter out) {
    Console console = System.console();
    if (console == null || !isTerminal(console)) {
      return false;
    }
    out.flush();
    String answer = console.readLine("Import %d value(s) into the local vault and write %s? [y/N] ",
        plan.values().size(), plan.output());
    return answer != null && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
  }

  // Console.isTerminal() exists from Java 22 (where System.console() may be non-null on a pipe); the
  // language level is 21, so it is looked up at run time.
  private static boolean isTerminal(Console console) {
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
