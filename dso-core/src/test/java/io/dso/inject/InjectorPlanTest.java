package io.dso.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.cache.SecretCache;
import io.dso.cache.SecretSync;
import io.dso.config.AgentSettings;
import io.dso.config.Defaults;
import io.dso.config.DsoConfig;
import io.dso.config.FileFormat;
import io.dso.config.InjectMode;
import io.dso.config.InjectSpec;
import io.dso.config.ProviderSpec;
import io.dso.config.RetrySettings;
import io.dso.config.SecretSpec;
import io.dso.config.Targets;
import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import io.dso.docker.ContainerEvent;
import io.dso.docker.ContainerSummary;
import io.dso.docker.DockerEngine;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import io.dso.observability.Redactor;
import io.dso.provider.ProviderCatalog;
import io.dso.provider.ProviderRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The injector without Docker: planning only reads (a Docker stand-in that records every call, a
 * real cache fed by the {@code local} provider, files in a temp dir), and applying a plan writes
 * the serving generation in place or a new generation that outlives only the container mounting it.
 */
class InjectorPlanTest {
  private static final String OLD = "canary-old-7f3a91";
  private static final String NEW = "canary-new-c04e22";
  private static final String FILE_SECRET = "app/db";
  private static final String ENV_SECRET = "app/api";
  private static final String PATH = "/run/secrets/db";

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-04-01T10:00:00Z"), ZoneOffset.UTC);
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final RecordingDocker docker = new RecordingDocker();
  private final ByteArrayOutputStream auditOut = new ByteArrayOutputStream();
  private ProviderRegistry registry;
  private SecretSync sync;
  private FileInjector files;
  private Injector injector;
  private SecretSpec fileSpec;
  private SecretSpec envSpec;

  @BeforeEach
  void setUp() throws IOException {
    writeSecrets(OLD);
    fileSpec = new SecretSpec(FILE_SECRET, "dev", new InjectSpec(InjectMode.FILE, PATH, null, null, FileFormat.FILES),
        true, null, null, new Targets(List.of(), Map.of()), Map.of(), 1);
    envSpec = new SecretSpec(ENV_SECRET, "dev", new InjectSpec(InjectMode.ENV, null, null, null, null),
        true, null, null, new Targets(List.of(), Map.of()), Map.of(), 2);
    DsoConfig config = config(List.of(fileSpec, envSpec));
    registry = ProviderRegistry.open(config, ProviderCatalog.discover(null), Map.of(), clock, executor, d -> {});
    SecretCache cache = new SecretCache(true);
    Redactor redactor = new Redactor();
    DsoMetrics metrics = new DsoMetrics(clock, clock.instant(), "test", cache::activeCount);
    AuditLog audit = AuditLog.toStream(auditOut, clock, redactor);
    sync = new SecretSync(config, registry, cache, metrics, audit, redactor, clock);
    files = new FileInjector(Files.createDirectories(dir.resolve("secrets")));
    injector = new Injector(config, docker, sync, new VersionKey(new byte[32]), files, metrics, audit, redactor, clock);
  }

  private DsoConfig config(List<SecretSpec> secrets) {
    ProviderSpec provider = new ProviderSpec("dev", "local", Map.of("path", "secrets.json"),
        new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(10)), Duration.ofSeconds(30), 1);
    return new DsoConfig(dir.resolve("dso.yaml"), Map.of("dev", provider), AgentSettings.DEFAULT, Defaults.DEFAULT, secrets);
  }

  @AfterEach
  void close() {
    registry.close();
    executor.shutdownNow();
  }

  @Test
  void planningAStaleFileWritesNothingAndOnlyReadsDocker() throws Exception {
    String serving = servedFileContainer("web", OLD);
    Map<String, String> before = tree();

    InjectionPlan plan = injector.plan("web").orElseThrow();

    assertThat(tree()).as("files after planning").isEqualTo(before);
    assertThat(docker.calls).as("Docker calls while planning").allMatch(c -> c.startsWith("inspect "));
    assertThat(plan.staleFiles()).containsExactly(fileSpec);
    assertThat(plan.needsNewContainer()).isFalse();
    assertThat(plan.newGeneration()).isNotEqualTo(serving);
    assertThat(plan.files()).singleElement().satisfies(w -> {
      assertThat(w.servingGeneration()).isEqualTo(serving);
      assertThat(w.stale()).isTrue();
      assertThat(w.payload().values()).containsEntry("password", NEW);
    });
    assertThat(plan.change().binds()).containsExactly(new ContainerChange.BindMount(
        files.dataDir("web", plan.newGeneration(), FILE_SECRET).toString(), PATH, true));
    assertThat(files.dataDir("web", plan.newGeneration(), FILE_SECRET)).as("the new generation is only named").doesNotExist();
    assertThat(plan.toString()).doesNotContain(NEW).doesNotContain(OLD);
  }

  @Test
  void aDiscardedPlanLeavesNoTraceAndAFreshPlanNamesAnotherGeneration() throws Exception {
    servedFileContainer("web", OLD);
    Map<String, String> before = tree();
    String first = injector.plan("web").orElseThrow().newGeneration();
    String second = injector.plan("web").orElseThrow().newGeneration();
    assertThat(second).isNotEqualTo(first);
    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void aFirstInjectionNeedsANewContainerMountingTheNewGeneration() throws Exception {
    writeSecrets(NEW);
    docker.put(details("web", "id-web", List.of()));
    InjectionPlan plan = injector.plan("web").orElseThrow();
    assertThat(plan.needNewContainer()).containsExactly(fileSpec);
    assertThat(plan.firstInjectionOnly()).isTrue();
    assertThat(plan.files()).singleElement().satisfies(w -> assertThat(w.servingGeneration()).isNull());
    assertThat(plan.change().binds()).extracting(ContainerChange.BindMount::source)
        .containsExactly(files.dataDir("web", plan.newGeneration(), FILE_SECRET).toString());
    assertThat(files.containers()).isEmpty();
  }

  @Test
  void aCurrentFileIsUpToDate() throws Exception {
    String serving = FileInjector.newGeneration();
    writeSecrets(OLD);
    files.write("web", serving, fileSpec, sync.lookup(fileSpec).orElseThrow(),
        new VersionKey(new byte[32]).version(fileSpec, sync.lookup(fileSpec).orElseThrow()), clock.instant());
    docker.put(details("web", "id-web", List.of(mount(files.dataDir("web", serving, FILE_SECRET)))));
    assertThat(injector.plan("web").orElseThrow().upToDate()).isTrue();
  }

  @Test
  void anInPlaceUpdateRewritesOnlyTheServingGenerationAtomically() throws Exception {
    String serving = servedFileContainer("web", OLD);
    InjectionPlan plan = injector.plan("web").orElseThrow();

    assertThat(injector.writeInPlace(plan)).isTrue();

    assertThat(Files.readString(files.dataDir("web", serving, FILE_SECRET).resolve("password"))).isEqualTo(NEW);
    assertThat(files.generations("web")).containsExactly(serving);
    try (Stream<Path> s = Files.list(files.dataDir("web", serving, FILE_SECRET))) {
      assertThat(s.map(p -> p.getFileName().toString())).as("no temp file left").containsExactly("password");
    }
    assertThat(docker.calls).allMatch(c -> c.startsWith("inspect "));
    assertThat(auditOut.toString(StandardCharsets.UTF_8)).contains("in place").doesNotContain(NEW);
  }

  @Test
  void aNewGenerationIsWrittenBesideTheOldOneAndTheOldOneGoesWithItsContainer() throws Exception {
    String serving = servedFileContainer("web", OLD);
    InjectionPlan plan = injector.plan("web").orElseThrow();

    assertThat(injector.prepareGeneration(plan)).isTrue();
    assertThat(Files.readString(files.dataDir("web", plan.newGeneration(), FILE_SECRET).resolve("password"))).isEqualTo(NEW);
    assertThat(Files.readString(files.dataDir("web", serving, FILE_SECRET).resolve("password")))
        .as("the serving container still reads its own file").isEqualTo(OLD);
    injector.sweep(List.of(summary("web")));
    assertThat(files.generations("web")).as("a sweep never takes a generation being prepared")
        .containsExactlyInAnyOrder(serving, plan.newGeneration());

    // the rotation succeeded: the clone holds the name and the old container is gone
    docker.put(details("web", "id-clone", List.of(mount(files.dataDir("web", plan.newGeneration(), FILE_SECRET)))));
    injector.settleGenerations(plan);

    assertThat(files.generations("web")).containsExactly(plan.newGeneration());
  }

  @Test
  void afterARollbackTheNewGenerationIsWipedAndTheOldFilesAndVersionStay() throws Exception {
    String serving = servedFileContainer("web", OLD);
    String oldVersion = files.meta("web", serving, FILE_SECRET).orElseThrow().version();
    InjectionPlan plan = injector.plan("web").orElseThrow();
    injector.prepareGeneration(plan);

    // the clone failed its health gate and was removed; the old container kept its name and mount
    injector.settleGenerations(plan);

    assertThat(files.generations("web")).containsExactly(serving);
    assertThat(Files.readString(files.dataDir("web", serving, FILE_SECRET).resolve("password"))).isEqualTo(OLD);
    assertThat(files.meta("web", serving, FILE_SECRET).orElseThrow().version()).isEqualTo(oldVersion);
  }

  @Test
  void aSweepKeepsWhatExistingContainersMountAndWipesOrphans() throws Exception {
    String serving = servedFileContainer("web", OLD);
    String orphan = FileInjector.newGeneration();
    files.write("web", orphan, fileSpec, sync.lookup(fileSpec).orElseThrow(), "x", clock.instant());
    files.write("gone", orphan, fileSpec, sync.lookup(fileSpec).orElseThrow(), "x", clock.instant());

    injector.sweep(List.of(summary("web")));

    assertThat(files.containers()).containsExactly("web");
    assertThat(files.generations("web")).containsExactly(serving);
  }

  @Test
  void anEnvChangeNeedsANewContainerAndCarriesTheValueOnlyInTheChange() throws Exception {
    docker.put(details("api", "id-api", List.of(), Map.of(Labels.RELOADER, "true", Labels.SECRETS, ENV_SECRET,
        Labels.ENV_PREFIX + ENV_SECRET, "an-old-version")));
    InjectionPlan plan = injector.plan("api").orElseThrow();
    assertThat(plan.needNewContainer()).containsExactly(envSpec);
    assertThat(plan.firstInjectionOnly()).isFalse();
    assertThat(plan.change().setEnv()).containsEntry("TOKEN", "tok-" + OLD);
    assertThat(plan.files()).isEmpty();
    assertThat(plan.toString()).doesNotContain(OLD);
    assertThat(docker.calls).allMatch(c -> c.startsWith("inspect "));
  }

  @Test
  void withoutFileSecretsApplyingAPlanIsANoOpForFiles() throws Exception {
    DsoMetrics metrics = new DsoMetrics(clock, clock.instant(), "test", () -> 0);
    Redactor redactor = new Redactor();
    Injector envOnly = new Injector(config(List.of(envSpec)), docker, sync, new VersionKey(new byte[32]), null, metrics,
        AuditLog.toStream(auditOut, clock, redactor), redactor, clock);
    docker.put(details("api", "id-api", List.of(), Map.of(Labels.RELOADER, "true", Labels.SECRETS, ENV_SECRET)));
    InjectionPlan plan = envOnly.plan("api").orElseThrow();
    assertThat(envOnly.prepareGeneration(plan)).isTrue();
    assertThat(envOnly.writeInPlace(plan)).isTrue();
    envOnly.settleGenerations(plan);
    envOnly.containerRemoved("api");
    envOnly.sweep(List.of());
    assertThat(docker.calls).allMatch(c -> c.startsWith("inspect "));
  }

  @Test
  void aContainerRenamedWhileItsFilesAreRetiredKeepsThem() throws Exception {
    String serving = servedFileContainer("web", OLD);
    ContainerDetails old = docker.inspect("web").orElseThrow();
    // a restart rotation's rollback: the clone under the name was removed (its destroy event retires
    // the name's files) while the old container, listed as web_dso_old, gets its name back
    docker.remove("web");
    docker.put(rename(old, "web" + Labels.OLD_SUFFIX));
    docker.afterNextInspect = () -> {
      docker.remove("web" + Labels.OLD_SUFFIX);
      docker.put(old);
    };

    injector.containerRemoved("web");

    assertThat(files.generations("web")).containsExactly(serving);
    assertThat(Files.readString(files.dataDir("web", serving, FILE_SECRET).resolve("password"))).isEqualTo(OLD);
  }

  @Test
  void theFilesOfARemovedContainerAreWiped() throws Exception {
    servedFileContainer("web", OLD);
    docker.remove("web");
    injector.containerRemoved("web");
    assertThat(files.containers()).isEmpty();
  }

  private static ContainerDetails rename(ContainerDetails c, String name) {
    return new ContainerDetails(c.id(), name, c.image(), c.labels(), c.env(), c.status(), c.running(), c.health(),
        c.hasHealthcheck(), c.mounts(), c.restartPolicy(), c.init(), c.networkMode(), c.startedAt(), c.fixedHostPort());
  }

  /** A running container "name" mounting a generation written with {@code value}; the cache then holds NEW. */
  private String servedFileContainer(String name, String value) throws IOException {
    String g = FileInjector.newGeneration();
    writeSecrets(value);
    var payload = sync.refresh(fileSpec, "test").payload();
    files.write(name, g, fileSpec, payload, "version-of-" + value.hashCode(), clock.instant());
    docker.put(details(name, "id-" + name, List.of(mount(files.dataDir(name, g, FILE_SECRET)))));
    writeSecrets(NEW);
    sync.refresh(fileSpec, "test");
    docker.calls.clear();
    return g;
  }

  private void writeSecrets(String value) throws IOException {
    Files.writeString(dir.resolve("secrets.json"), "{\"" + FILE_SECRET + "\": {\"password\": \"" + value + "\"}, \""
        + ENV_SECRET + "\": {\"TOKEN\": \"tok-" + value + "\"}}");
    Files.setLastModifiedTime(dir.resolve("secrets.json"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + value.hashCode()));
  }

  private static ContainerDetails.Mount mount(Path source) {
    return new ContainerDetails.Mount("bind", source.toString(), PATH, false);
  }

  private static ContainerDetails details(String name, String id, List<ContainerDetails.Mount> mounts) {
    return details(name, id, mounts, Map.of(Labels.RELOADER, "true", Labels.SECRETS, FILE_SECRET,
        Labels.FILE_PREFIX + FILE_SECRET, PATH));
  }

  private static ContainerDetails details(String name, String id, List<ContainerDetails.Mount> mounts, Map<String, String> labels) {
    return new ContainerDetails(id, name, "dso-test/busybox:1", labels, List.of(), "running", true, null, false, mounts,
        "", false, "none", Instant.EPOCH, false);
  }

  private static ContainerSummary summary(String name) {
    return new ContainerSummary("id-" + name, name, "dso-test/busybox:1", Map.of(), "running");
  }

  /** Every file below the temp dir with its content: what planning must leave as it found. */
  private Map<String, String> tree() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        out.put(dir.relativize(p).toString(), Files.isRegularFile(p) ? Files.readString(p) : "<dir>");
      }
    }
    return out;
  }

  /** Answers inspect from a map; records every call, so a test sees whether anything but reading happened. */
  private static final class RecordingDocker implements DockerEngine {
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, ContainerDetails> byName = new ConcurrentHashMap<>();

    void put(ContainerDetails c) {
      byName.put(c.name(), c);
    }

    @Override
    public boolean ping() {
      calls.add("ping");
      return true;
    }

    @Override
    public String host() {
      return "recording";
    }

    @Override
    public List<ContainerSummary> list(boolean all) {
      calls.add("list");
      List<ContainerSummary> out = new ArrayList<>();
      byName.values().forEach(c -> out.add(new ContainerSummary(c.id(), c.name(), c.image(), c.labels(), "running")));
      return out;
    }

    /** What happens on the daemon right after the next inspect (a rotation renaming a container meanwhile). */
    Runnable afterNextInspect = () -> { };

    void remove(String name) {
      byName.remove(name);
    }

    @Override
    public Optional<ContainerDetails> inspect(String idOrName) {
      calls.add("inspect " + idOrName);
      Optional<ContainerDetails> found =
          byName.values().stream().filter(c -> c.name().equals(idOrName) || c.id().equals(idOrName)).findFirst();
      Runnable then = afterNextInspect;
      afterNextInspect = () -> { };
      then.run();
      return found;
    }

    @Override
    public String createClone(String source, String newName, ContainerChange change) {
      calls.add("createClone " + newName);
      return "clone";
    }

    @Override
    public void start(String id) {
      calls.add("start " + id);
    }

    @Override
    public void stop(String id, Duration grace) {
      calls.add("stop " + id);
    }

    @Override
    public void remove(String id, boolean force) {
      calls.add("remove " + id);
    }

    @Override
    public void rename(String id, String newName) {
      calls.add("rename " + id);
    }

    @Override
    public void kill(String id, String signal) {
      calls.add("kill " + id);
    }

    @Override
    public AutoCloseable events(Consumer<ContainerEvent> onEvent, Consumer<Boolean> onConnection) {
      calls.add("events");
      return () -> { };
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }
}
