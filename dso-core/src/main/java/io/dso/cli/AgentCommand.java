package io.dso.cli;

import ch.qos.logback.classic.Level;
import io.dso.agent.Agent;
import io.dso.agent.AgentOptions;
import io.dso.agent.StateDir;
import io.dso.api.AgentViews;
import io.dso.api.HttpEndpoint;
import io.dso.api.MetricsHandler;
import io.dso.api.SocketPaths;
import io.dso.config.ConfigException;
import io.dso.config.ConfigLoader;
import io.dso.config.LogSettings;
import io.dso.config.ConfigUnreadableException;
import io.dso.docker.DockerJavaEngine;
import io.dso.observability.AuditLog;
import io.dso.observability.Redactor;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dso agent}: runs the long-lived agent until SIGTERM/SIGINT. */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = "Run the agent: fetch, cache, watch and inject secrets.")
public final class AgentCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-c", "--config"}, description = "Config file (default: ./dso.yaml, then /etc/dso/dso.yaml).")
  Path config;

  @Option(names = {"-metrics-port", "--metrics-port"}, defaultValue = "9090",
      description = "Port of GET /metrics (default: ${DEFAULT-VALUE}; 0 turns metrics off).")
  int metricsPort;

  @Option(names = "--metrics-bind", defaultValue = "127.0.0.1", description = "Address /metrics binds to (default: ${DEFAULT-VALUE}).")
  String metricsBind;

  @Option(names = "--api-addr", defaultValue = "127.0.0.1:8471", description = "host:port of the REST API (default: ${DEFAULT-VALUE}; loopback only).")
  String apiAddr;

  @Option(names = "--socket", description = "Unix socket of the CLI's API (default: $DSO_SOCKET, else /run/dso/dso.sock as root, else $XDG_RUNTIME_DIR/dso/dso.sock or ~/.dso/dso.sock).")
  Path socket;

  @Option(names = "--audit-log", description = "Append audit records to this file (mode 0600) instead of stdout.")
  Path auditLog;

  @Option(names = "--state-dir", description = "Agent state (default: /var/lib/dso as root, else $XDG_RUNTIME_DIR/dso or ~/.dso).")
  Path stateDir;

  @Option(names = "--docker-host", description = "Docker daemon address (default: $DOCKER_HOST, else unix:///var/run/docker.sock).")
  String dockerHost;

  @Option(names = "--secrets-dir", description = "tmpfs directory for file-mode secrets (default: /run/dso/secrets as root, mounted by the agent; else $XDG_RUNTIME_DIR/dso/secrets or /dev/shm/dso-$USER/secrets).")
  Path secretsDir;

  @Option(names = "--plugins-dir", description = "Provider plugins, one sub-directory of jars each (default: the distribution's plugins/).")
  Path pluginsDir;

  @Option(names = "--log-level", defaultValue = "info", description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE}).")
  String logLevel;

  @Option(names = "--debug", description = "Print stack traces on errors.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (!setLogLevel(logLevel)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "invalid --log-level '" + logLevel + "': use error, warn, info, debug or trace");
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "-metrics-port must be 0..65535, got " + metricsPort);
    }
    HostPort api = HostPort.parse(apiAddr, spec.commandLine());
    if (!InetAddress.getByName(api.host()).isLoopbackAddress()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--api-addr " + apiAddr + " is not a loopback address: the API has no authentication yet, bind it to 127.0.0.1");
    }
    Map<String, String> env = System.getenv();
    Path configFile;
    try {
      configFile = ConfigLoader.resolve(config, Path.of("").toAbsolutePath());
    } catch (ConfigUnreadableException e) {
      err.println("dso: error: " + e.getMessage());
      return 2;
    }
    LogSettings logging = ConfigLoader.logSettings(configFile, env);
    if (logging.level() != null && !spec.commandLine().getParseResult().hasMatchedOption("--log-level")) {
      setLogLevel(logging.level());
    }
    if ("json".equals(logging.format())) {
      JsonLogLayout.install();
    }
    boolean root = StateDir.runningAsRoot();
    Path state = stateDir != null ? stateDir : StateDir.defaultFor(root, env);
    Path secrets = secretsDir != null ? secretsDir : io.dso.inject.SecretsDir.defaultFor(root, env);
    Redactor redactor = new Redactor();
    io.dso.observability.LogSafety.use(redactor);
    Clock clock = Clock.systemUTC();
    AuditLog audit = auditLog == null ? AuditLog.toStream(System.out, clock, redactor) : AuditLog.toFile(auditLog, clock, redactor);
    if (auditLog != null) {
      io.dso.observability.AuditReopenSignal.install(audit); // logrotate; on stdout SIGHUP keeps its default
    }
    var docker = new DockerJavaEngine(DockerJavaEngine.resolveHost(dockerHost, env));
    Agent agent;
    try {
      agent = Agent.create(
          new AgentOptions(configFile, state, auditLog, docker.host(),
              pluginsDir != null ? pluginsDir : Plugins.defaultDir(), secrets.toAbsolutePath(), root),
          audit, redactor, docker, env, clock, VersionCommand.version());
    } catch (ConfigException e) {
      err.println(e.render());
      err.printf("dso: %d problem(s) in %s; fix them (dso validate -c %s checks a file) and start again%n",
          e.problems().size(), configFile, configFile);
      docker.close();
      audit.close();
      return 1;
    } catch (ConfigUnreadableException e) {
      err.println("dso: error: " + e.getMessage());
      docker.close();
      audit.close();
      return 2;
    }
    // Notifications follow the audit stream; started here, not in Agent, because their socket route
    // (io.dso.notify) sits above the API layer that itself depends on the agent.
    io.dso.notify.Notifier notifier = io.dso.notify.Notifier.start(agent.config().notifications(), redactor, clock, env);
    audit.subscribe(notifier);
    HttpEndpoint metrics = null;
    HttpEndpoint apiServer = null;
    try {
      if (metricsPort > 0) {
        metrics = HttpEndpoint.start("metrics", metricsBind, metricsPort,
            new MetricsHandler(agent.metrics().registry()), agent.executor(), "-metrics-port");
      }
      var tcpApi = AgentViews.apiHandler(agent, api.host());
      var unix = new HttpEndpoint.UnixSocket(socket != null ? socket : SocketPaths.defaultFor(root, env),
          AgentViews.socketHandler(agent, tcpApi, socketRoutes(agent, notifier)), SocketPaths.groupExists());
      apiServer = HttpEndpoint.start("API", api.host(), api.port(), tcpApi, unix, agent.executor(), "--api-addr");
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      agent.stop();
      notifier.close();
      audit.close();
      throw e;
    }
    final HttpEndpoint m = metrics;
    final HttpEndpoint a = apiServer;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      a.close();
      if (m != null) {
        m.close();
      }
      agent.stop();
      notifier.close();
      audit.close();
    }, "dso-shutdown"));
    agent.start();
    // Looked up here, not in a static field: picocli instantiates every command, and one-shot commands
    // must not pay for starting the logging framework.
    Logger log = LoggerFactory.getLogger(AgentCommand.class);
    log.info("serving {}{}", a.describe(), m == null ? " (metrics off)" : " and " + m.describe() + "/metrics");
    agent.awaitStopped();
    return 0;
  }

  private static boolean setLogLevel(String name) {
    Level level = Level.toLevel(name, null);
    if (level == null) {
      return false;
    }
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
    return true;
  }

  /** A parsed {@code host:port}. */
  record HostPort(String host, int port) {
    static HostPort parse(String text, CommandLine cli) {
      int colon = text.lastIndexOf(':');
      try {
        int port = Integer.parseInt(text.substring(colon + 1));
        if (colon <= 0 || port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        return new HostPort(text.substring(0, colon), port);
      } catch (RuntimeException e) {
        throw new CommandLine.ParameterException(cli, "invalid address '" + text + "': expected host:port, e.g. 127.0.0.1:8471");
      }
    }
  }

  /** The socket routes ("METHOD /path") of the parts of the agent that sit above the API layer. */
  private static Map<String, io.dso.api.SocketRoute> socketRoutes(Agent agent, io.dso.notify.Notifier notifier) {
    Map<String, io.dso.api.SocketRoute> routes = new java.util.LinkedHashMap<>();
    routes.putAll(io.dso.compose.ComposeRoutes.of(agent));
    routes.putAll(io.dso.notify.NotificationRoutes.of(notifier));
    routes.putAll(io.dso.api.AgentViews.statusRoutes(agent));
    return routes;
  }
}
