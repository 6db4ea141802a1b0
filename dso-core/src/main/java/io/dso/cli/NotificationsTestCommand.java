package io.dso.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.api.ApiException;
import io.dso.config.ConfigException;
import io.dso.config.ConfigLoader;
import io.dso.config.ConfigUnreadableException;
import io.dso.config.DsoConfig;
import io.dso.notify.HttpPoster;
import io.dso.notify.NotificationRoutes;
import io.dso.notify.NotificationTester;
import io.dso.notify.Payloads;
import io.dso.notify.UnknownDestinationException;
import io.dso.observability.Redactor;
import io.dso.provider.ProviderCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dso notifications test}: sends a test message to each destination through the running agent,
 * or from this process with the config file when no agent runs, and prints status and time per
 * destination. Exit 0 all delivered, 1 any failed (or the config is invalid), 2 config unreadable,
 * 4 no such destination, 5 the agent refused us.
 */
@Command(name = "test", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Send a test notification to each destination and show what each answered.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every destination accepted the message", "1:a destination failed, or the config is invalid",
        "2:usage error or config file unreadable", "4:no destination of that name", "5:the agent refused the request"})
public final class NotificationsTestCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = NotificationRoutes.TEST.substring("POST ".length());

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--destination", paramLabel = "NAME", description = "Only this destination (default: all).")
  String destination;

  @Option(names = {"-c", "--config"}, description = "Config file used when no agent runs (default: ./dso.yaml, then /etc/dso/dso.yaml).")
  Path config;

  @Option(names = "--json", description = "Print the results as JSON.")
  boolean json;

  @Option(names = "--plugins-dir", description = "Where provider plugins live (default: the distribution's plugins/).")
  Path pluginsDir;

  @Option(names = "--debug", description = "Print stack traces on errors.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Optional<AgentClient> agent = agent();
      List<Map<String, Object>> results;
      String via;
      if (agent.isPresent()) {
        try (AgentClient client = agent.get()) {
          Map<String, Object> body = new LinkedHashMap<>();
          if (destination != null) {
            body.put("destination", destination);
          }
          results = fromJson(client.post(PATH, body).path("results"));
          via = "agent";
        }
      } else {
        results = local();
        via = "local";
      }
      print(out, err, via, results);
      return results.stream().allMatch(r -> Boolean.TRUE.equals(r.get("ok"))) ? 0 : 1;
    } catch (ApiException e) {
      err.println("dso: error: " + e.getMessage());
      return switch (e.status()) {
        case 404 -> 4;
        case 401, 403 -> 5;
        default -> 1;
      };
    } catch (UnknownDestinationException e) {
      err.println("dso: error: " + e.getMessage());
      return e.noneConfigured() ? 1 : 4;
    } catch (ConfigException e) {
      err.println(e.render());
      err.printf("dso: %d problem(s) in the config; fix them (dso validate checks a file) and try again%n", e.problems().size());
      return 1;
    } catch (ConfigUnreadableException e) {
      err.println("dso: error: " + e.getMessage());
      return 2;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The running agent, if one listens on its socket. */
  private static Optional<AgentClient> agent() {
    return AgentClient.connect(null);
  }

  private List<Map<String, Object>> local() throws InterruptedException {
    Path file = ConfigLoader.resolve(config, Path.of("").toAbsolutePath());
    ProviderCatalog catalog = ProviderCatalog.discover(pluginsDir == null ? Plugins.defaultDir() : pluginsDir);
    DsoConfig cfg = new ConfigLoader(System.getenv(), catalog).load(file);
    Clock clock = Clock.systemUTC();
    try (HttpPoster poster = HttpPoster.jdk(clock)) {
      List<NotificationTester.Result> results =
          new NotificationTester(cfg.notifications(), new Payloads(new Redactor()), poster, clock,
              NotificationTester.hostName(System.getenv())).test(destination);
      return fromJson(JSON.valueToTree(results));
    }
  }

  private static List<Map<String, Object>> fromJson(JsonNode results) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (JsonNode r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("destination", r.path("destination").asText());
      m.put("type", r.path("type").asText());
      m.put("ok", r.path("ok").asBoolean());
      m.put("status", r.path("status").isNumber() ? r.path("status").asInt() : null);
      m.put("millis", r.path("millis").asLong());
      m.put("error", r.path("error").isTextual() ? r.path("error").asText() : null);
      list.add(m);
    }
    return list;
  }

  private void print(PrintWriter out, PrintWriter err, String via, List<Map<String, Object>> results) throws Exception {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("via", via);
      doc.put("results", results);
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
      return;
    }
    if (via.equals("local")) {
      err.println("dso: no agent is running: sending from this process with the config file");
      err.flush(); // before the table, when both go to one terminal
    }
    int width = Math.max("DESTINATION".length(), results.stream().mapToInt(r -> r.get("destination").toString().length()).max().orElse(0));
    String row = "%-" + width + "s  %-7s  %-6s  %-6s  %s%n";
    out.printf(row, "DESTINATION", "TYPE", "RESULT", "STATUS", "TIME");
    for (Map<String, Object> r : results) {
      boolean ok = Boolean.TRUE.equals(r.get("ok"));
      String time = r.get("millis") + " ms" + (ok || r.get("error") == null ? "" : "  (" + r.get("error") + ")");
      out.printf(row, r.get("destination"), r.get("type"), ok ? "ok" : "FAILED", r.get("status") == null ? "-" : r.get("status"), time);
    }
  }
}
