package io.dso.cli.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dso.api.ApiException;
import io.dso.compose.ComposePlan;
import io.dso.compose.ComposePlanner;
import io.dso.compose.InProcessPlanner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The steps behind {@code dso up}, {@code dso compose} and {@code dso down}: read the project, plan
 * (through the agent, else in this process), write the override, run Compose with the values in its
 * environment only, wait for the rollout; on {@code down}, tell the agent to purge.
 */
public final class ComposeWorkflow {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Exit codes shared by every CLI command. */
  static final int NOT_FOUND = 4;
  static final int DENIED = 5;

  private final Path workingDir;
  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Supplier<Optional<AgentLink>> agent;
  private final Function<Path, ComposePlanner> inProcess;
  private final Supplier<ComposeRunner> compose;
  private final OutputStream jsonModeStdout;
  private final Predicate<String> wipeLocalFiles;

  /** The options every Compose command shares. */
  public record Options(List<String> files, String project, Path config, boolean json, boolean dryRun, Duration waitTimeout) {
    public Options {
      files = files == null ? List.of() : List.copyOf(files);
    }
  }

  public ComposeWorkflow(Path workingDir, Map<String, String> env, PrintWriter out, PrintWriter err,
      Supplier<Optional<AgentLink>> agent, Function<Path, ComposePlanner> inProcess,
      Supplier<ComposeRunner> compose, OutputStream jsonModeStdout, Predicate<String> wipeLocalFiles) {
    this.workingDir = workingDir;
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
    this.agent = agent;
    this.inProcess = inProcess;
    this.compose = compose;
    this.jsonModeStdout = jsonModeStdout;
    this.wipeLocalFiles = wipeLocalFiles;
  }

  /** The real thing: the process's directory, environment, agent socket and Compose. */
  public static ComposeWorkflow real(PrintWriter out, PrintWriter err) {
    Map<String, String> env = System.getenv();
    return new ComposeWorkflow(Path.of("").toAbsolutePath(), env, out, err, AgentLink::connect,
        InProcessPlanner::create, () -> ComposeRunner.detect(env), System.err, InProcessPlanner::wipeFiles);
  }

  /**
   * Plans and runs Compose with {@code args}; {@code waitForRollout} after a detached {@code up}.
   * Returns the exit code: Compose's own, or ours when we stop before starting it.
   */
  public int run(Options o, List<String> args, boolean waitForRollout) throws InterruptedException {
    ComposeProject project = new ComposeProjectReader(workingDir, env).read(o.files(), o.project());
    ComposeRunner runner = o.dryRun() ? null : compose.get();
    ComposePlan.Response plan;
    try {
      plan = plan(project, o);
    } catch (ApiException e) {
      err.println("dso: error: " + e.getMessage());
      err.flush();
      return e.status() == 404 ? NOT_FOUND : e.status() == 403 ? DENIED : 1;
    }
    if (o.dryRun()) {
      if (o.json()) {
        out.println(PlanPrinter.json(project, plan, true).toPrettyString());
        out.flush();
      } else {
        PlanPrinter.text(out, project, plan, true);
      }
      return 0;
    }
    List<Path> files = new ArrayList<>(project.files());
    Map<String, String> childEnv = new HashMap<>(env);
    if (!plan.services().isEmpty()) {
      OverrideFile override = new OverrideFile(project, plan);
      files.add(override.write(OverrideFile.home(env)));
      childEnv.putAll(override.childEnvironment());
    }
    int code = runner.run(project.directory(), runner.command(project.name(), files, args), childEnv,
        o.json() ? jsonModeStdout : null);
    if (code == 0 && waitForRollout && detached(args)) {
      boolean ready = new RolloutWait(env, err, System.console() != null).await(project.name(), o.waitTimeout());
      code = ready ? 0 : 1;
    }
    if (o.json()) {
      ObjectNode summary = PlanPrinter.json(project, plan, false);
      summary.put("compose_exit", code);
      out.println(summary.toPrettyString());
      out.flush();
    }
    return code;
  }

  private ComposePlan.Response plan(ComposeProject project, Options o) {
    ComposePlan.Request request = project.request(o.dryRun());
    if (request.services().isEmpty()) {
      return new ComposePlan.Response(project.name(), List.of(), false);
    }
    Optional<AgentLink> link = agent.get();
    if (link.isPresent()) {
      try (AgentLink a = link.get()) {
        return a.plan(request);
      }
    }
    err.println("dso: no agent running: resolving in this process; rotation needs the agent (start it with 'dso agent')");
    err.flush();
    return inProcess.apply(o.config()).plan(request);
  }

  /** {@code dso down}: Compose down, then the agent purges the project's secrets from its cache. */
  public int down(Options o, List<String> args) throws InterruptedException {
    ComposeProject project = new ComposeProjectReader(workingDir, env).read(o.files(), o.project());
    ComposeRunner runner = compose.get();
    List<String> downArgs = new ArrayList<>(List.of("down"));
    downArgs.addAll(args);
    int code = runner.run(project.directory(), runner.command(project.name(), project.files(), downArgs), env,
        o.json() ? jsonModeStdout : null);
    if (code != 0) {
      err.println("dso: error: Compose 'down' failed (exit " + code + "); the agent's cache was left as it was");
      err.flush();
      return code;
    }
    removeOverride(project);
    ObjectNode summary = JSON.createObjectNode().put("project", project.name()).put("compose_exit", code);
    Optional<AgentLink> link;
    try {
      link = agent.get();
    } catch (ApiException e) {
      err.println("dso: error: the stack is down but the agent did not purge its secrets: " + e.getMessage());
      err.flush();
      return e.status() == 403 ? DENIED : 1;
    }
    if (link.isEmpty()) {
      // dsofile:// files written without an agent are ours to remove
      boolean wiped = wipeLocalFiles.test(project.name());
      summary.put("purged", false).put("files_removed", wiped);
      err.println("dso: no agent running: nothing to purge" + (wiped ? "; removed the project's secret files" : ""));
    } else {
      try (AgentLink a = link.get()) {
        JsonNode answer = a.down(project.name());
        summary.put("purged", true).set("agent", answer);
        if (!o.json()) {
          List<String> names = new ArrayList<>();
          answer.path("purged").forEach(n -> names.add(n.asText()));
          out.println(names.isEmpty()
              ? "no secret of '" + project.name() + "' left to purge (other services still use them, or none was cached)"
              : "purged from the agent's cache: " + String.join(", ", names));
        }
      } catch (ApiException e) {
        err.println("dso: error: the stack is down but the agent did not purge its secrets: " + e.getMessage());
        err.flush();
        return e.status() == 403 ? DENIED : 1;
      }
    }
    if (o.json()) {
      out.println(summary.toPrettyString());
    }
    out.flush();
    err.flush();
    return 0;
  }

  private void removeOverride(ComposeProject project) {
    Path dir = OverrideFile.home(env).resolve("compose").resolve(project.name());
    try {
      Files.deleteIfExists(dir.resolve(OverrideFile.FILE_NAME));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      err.println("dso: could not remove " + dir + " (" + e.getMessage() + "); it holds no value, delete it by hand");
    }
  }

  static boolean detached(List<String> args) {
    return args.stream().anyMatch(a -> a.equals("-d") || a.equals("--detach") || a.matches("-[a-zA-Z]*d[a-zA-Z]*"));
  }
}
