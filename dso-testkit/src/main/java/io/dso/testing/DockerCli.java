package io.dso.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code docker} CLI against the rig daemon, for the tests of every module: unique container names
 * (a prefix, the base and a random suffix; all removed on {@link #close}, with the agent's
 * {@code _dso_new}/{@code _dso_old} variants), containers with network {@code none} and {@code --init},
 * inspect helpers and a tmpfs directory for secrets.
 */
public final class DockerCli implements AutoCloseable {
  public static final String BUSYBOX = "dso-test/busybox:1";
  public static final String HEALTHY = "dso-test/busybox-hc:1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a CLI call returned. */
  public record Result(int exit, String out, String err) {
    public boolean ok() {
      return exit == 0;
    }

    /** The same result with stdout and stderr trimmed. */
    public Result trimmed() {
      return new Result(exit, out.trim(), err.trim());
    }
  }

  /** The name prefix of {@link #DockerCli()} and {@link #DockerCli(String)}. */
  public static final String E2E_PREFIX = "dso-e2e-";

  public final String host;
  public final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String prefix;
  private final List<String> names = new ArrayList<>();

  public DockerCli() {
    this(DockerRig.dockerHost());
  }

  public DockerCli(String host) {
    this(host, E2E_PREFIX);
  }

  /** {@code prefix} starts every {@link #name} (e.g. {@code "dso-rot-"}). */
  public DockerCli(String host, String prefix) {
    this.host = host;
    this.prefix = prefix;
  }

  /** A unique container name, removed (with its temporary variants) on close. */
  public String name(String base) {
    String n = prefix + base + "-" + suffix;
    names.add(n);
    return n;
  }

  /** Every name {@link #name} handed out so far, in order. */
  public List<String> names() {
    return List.copyOf(names);
  }

  public Result run(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("docker");
    argv.addAll(Arrays.asList(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.environment().put("DOCKER_HOST", host);
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(argv + " did not finish within 60 s");
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }

  /** Runs a CLI command that must succeed; returns its trimmed stdout. */
  public String ok(String... args) {
    Result r = run(args);
    if (!r.ok()) {
      throw new AssertionError("docker " + String.join(" ", args) + " failed (" + r.exit() + "): " + r.err() + r.out());
    }
    return r.out().trim();
  }

  /** {@code docker run -d --name NAME --network none --init OPTS IMAGE CMD...}; returns the id. */
  public String runDetached(String name, List<String> opts, String image, String... cmd) {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none", "--init"));
    args.addAll(opts);
    args.add(image);
    args.addAll(Arrays.asList(cmd));
    return ok(args.toArray(String[]::new));
  }

  public String exec(String container, String... cmd) {
    List<String> args = new ArrayList<>(List.of("exec", container));
    args.addAll(Arrays.asList(cmd));
    return ok(args.toArray(String[]::new));
  }

  /** The env of a running container as {@code docker exec env} shows it. */
  public Map<String, String> execEnv(String container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : exec(container, "env").split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }

  public JsonNode inspect(String container) {
    try {
      return JSON.readTree(ok("inspect", "--type", "container", container)).get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, String> labels(JsonNode inspect) {
    Map<String, String> labels = new LinkedHashMap<>();
    inspect.path("Config").path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  /** {@code Config.Env} of an inspect result as a map. */
  public static Map<String, String> env(JsonNode inspect) {
    Map<String, String> env = new LinkedHashMap<>();
    inspect.path("Config").path("Env").forEach(e -> {
      String kv = e.asText();
      int eq = kv.indexOf('=');
      env.put(kv.substring(0, eq), kv.substring(eq + 1));
    });
    return env;
  }

  /** Every container (any state) whose name contains {@code part}, as {@code name state}. */
  public List<String> psAll(String part) {
    String out = ok("ps", "-a", "--filter", "name=" + part, "--format", "{{.Names}} {{.State}}");
    return out.isEmpty() ? List.of() : List.of(out.split("\n"));
  }

  /** Names of every container (any state) whose name contains {@code part}. */
  public List<String> namesLike(String part) {
    return psAll(part).stream().map(l -> l.split(" ")[0]).sorted().toList();
  }

  /**
   * Waits (bounded) until {@code name} is the only container whose name contains it: a replacement
   * removes the {@code _dso_old} container just after starting the new one.
   */
  public void awaitSole(String name) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        org.assertj.core.api.Assertions.assertThat(namesLike(name)).as("exactly one container named " + name)
            .containsExactly(name));
  }

  public String dataRoot() {
    return ok("info", "--format", "{{.DockerRootDir}}");
  }

  /** Regular files below {@code root} (links not followed) whose bytes contain {@code needle}. */
  public static List<Path> filesContaining(Path root, String needle) throws IOException {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    List<Path> hits = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          try {
            if (indexOf(Files.readAllBytes(file), n) >= 0) {
              hits.add(file);
            }
          } catch (IOException | OutOfMemoryError e) {
            // vanished while we walked (a container went away) or unreadable: not a hit
          }
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE;
      }
    });
    return hits;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A fresh directory on the /dev/shm tmpfs, for --secrets-dir. */
  public static Path shmDir() throws IOException {
    Path dir = Path.of("/dev/shm", "dso-it-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(dir);
    return dir;
  }

  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    List<String> all = new ArrayList<>();
    for (String n : names) {
      all.addAll(List.of(n, n + "_dso_new", n + "_dso_old"));
    }
    if (all.isEmpty()) {
      return;
    }
    List<String> args = new ArrayList<>(List.of("rm", "-f"));
    args.addAll(all);
    run(args.toArray(String[]::new)); // "No such container" for the variants is expected
  }
}
