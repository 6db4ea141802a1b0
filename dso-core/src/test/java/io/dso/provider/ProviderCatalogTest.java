package io.dso.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderCatalogTest {
  private static final String SERVICES = "META-INF/services/" + SecretProviderFactory.class.getName();

  @TempDir Path tmp;

  @Test
  void builtInsAreDiscovered() {
    ProviderCatalog catalog = ProviderCatalog.discover(null);

    assertThat(catalog.knownTypes()).contains("local", "env", "file");
    assertThat(catalog.known("local")).isTrue();
    assertThat(catalog.known("demo")).isFalse();
    assertThat(catalog.problems()).isEmpty();
    assertThat(catalog.factory("env").getClass().getClassLoader())
        .isSameAs(ProviderCatalog.class.getClassLoader());
  }

  @Test
  void missingPluginsDirIsNotAProblem() {
    ProviderCatalog catalog = ProviderCatalog.discover(tmp.resolve("plugins"));

    assertThat(catalog.problems()).isEmpty();
    assertThat(catalog.knownTypes()).contains("local", "env", "file");
  }

  @Test
  void emptyPluginDirIsAProblemNamingTheDir() throws IOException {
    Path plugins = tmp.resolve("plugins");
    Files.createDirectories(plugins.resolve("x"));

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.problems()).singleElement().asString().contains(plugins.resolve("x").toString(), "no .jar");
    assertThat(catalog.knownTypes()).contains("local", "env", "file");
  }

  @Test
  void pluginJarIsLoadedInItsOwnClassLoader() throws Exception {
    Path plugins = tmp.resolve("plugins");
    Path jar = plugins.resolve("demo/demo.jar");
    buildPlugin(jar, "demo.plugin.DemoFactory", "demo", "from-demo");

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.problems()).isEmpty();
    assertThat(catalog.known("demo")).isTrue();
    assertThat(catalog.knownTypes()).contains("demo", "local", "env", "file");
    SecretProviderFactory factory = catalog.factory("demo");
    assertThat(factory.getClass().getName()).isEqualTo("demo.plugin.DemoFactory");
    assertThat(factory.getClass().getClassLoader())
        .isNotSameAs(ClassLoader.getSystemClassLoader())
        .isNotSameAs(ProviderCatalog.class.getClassLoader());
    assertThat(catalog.validate("demo", Map.of("bad", 1))).containsExactly("demo says no");
    assertThat(catalog.validate("demo", Map.of())).isEmpty();
    SecretProvider provider =
        factory.create(new ProviderContext("d", Map.of(), tmp, Map.of(), Clock.systemUTC()));
    assertThat(provider.fetch(new SecretRef("d", "any")).values()).containsExactly(Map.entry("value", "from-demo"));
  }

  @Test
  void pluginBuiltForANewerSpiIsRefusedNamingItsDirectory() throws Exception {
    Path plugins = tmp.resolve("plugins");
    buildPlugin(plugins.resolve("future/future.jar"), "future.plugin.FutureFactory", "\"future\"", "x",
        "  @Override public int spiVersion() { return SPI_VERSION + 7; }");

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.known("future")).isFalse();
    assertThat(catalog.problems()).singleElement().asString()
        .contains(plugins.resolve("future").toString(), "'future'", "newer than this agent's", "upgrade the agent");
    assertThat(catalog.knownTypes()).contains("local", "env", "file");
  }

  @Test
  void pluginCompiledAgainstTheCurrentSpiLoads() throws Exception {
    Path plugins = tmp.resolve("plugins");
    buildPlugin(plugins.resolve("now/now.jar"), "now.plugin.NowFactory", "\"now\"", "x",
        "  @Override public int spiVersion() { return SPI_VERSION; }");

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.problems()).isEmpty();
    assertThat(catalog.factory("now").spiVersion()).isEqualTo(SecretProviderFactory.SPI_VERSION);
  }

  @Test
  void pluginCannotReplaceABuiltInType() throws Exception {
    Path plugins = tmp.resolve("plugins");
    buildPlugin(plugins.resolve("evil/evil.jar"), "evil.plugin.FakeLocal", "local", "hijacked");

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.factory("local").getClass().getName()).isEqualTo("io.dso.provider.local.LocalProviderFactory");
    assertThat(catalog.problems()).anySatisfy(p -> assertThat(p).contains("'local'", "already provided"));
  }

  @Test
  void pluginWhoseConstructorThrowsIsAProblemNotACrash() throws Exception {
    Path plugins = tmp.resolve("plugins");
    buildPlugin(
        plugins.resolve("ctor/ctor.jar"), "ctor.plugin.Factory", "\"ctor\"", "v",
        "  public Factory() { throw new IllegalStateException(\"boom in constructor\"); }");

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.known("ctor")).isFalse();
    assertThat(catalog.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).contains(plugins.resolve("ctor").toString()));
  }

  /**
   * BUG: ProviderCatalog.load() only catches ServiceConfigurationError and LinkageError around the
   * plugin's code, so a factory whose type() throws escapes discover() and takes the agent down,
   * although the class promises that a broken plugin "never takes the agent down".
   */
  @Test
  void pluginWhoseTypeThrowsIsAProblemNotACrash() throws Exception {
    Path plugins = tmp.resolve("plugins");
    buildPlugin(
        plugins.resolve("bad/bad.jar"), "bad.plugin.Factory",
        "java.util.Objects.requireNonNull(System.getProperty(\"dso.no.such.property\"), \"type not configured\")", "v", "");

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.knownTypes()).containsExactlyInAnyOrder("local", "env", "file", "localvault");
    assertThat(catalog.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).contains(plugins.resolve("bad").toString()));
  }

  /** BUG: same root cause; a null type() reaches TreeMap.putIfAbsent and throws NullPointerException. */
  @Test
  void pluginWithNullTypeIsAProblemNotACrash() throws Exception {
    Path plugins = tmp.resolve("plugins");
    buildPlugin(plugins.resolve("nulltype/nulltype.jar"), "nulltype.plugin.Factory", "null", "v", "");

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.knownTypes()).containsExactlyInAnyOrder("local", "env", "file", "localvault");
    assertThat(catalog.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).contains(plugins.resolve("nulltype").toString()));
  }

  @Test
  void corruptJarIsAProblemNotACrash() throws IOException {
    Path plugins = tmp.resolve("plugins");
    Files.createDirectories(plugins.resolve("corrupt"));
    Files.writeString(plugins.resolve("corrupt/corrupt.jar"), "this is not a zip file");

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).contains(plugins.resolve("corrupt").toString()));
    assertThat(catalog.knownTypes()).containsExactlyInAnyOrder("local", "env", "file", "localvault");
  }

  @Test
  void servicesFileNamingAMissingClassIsAProblemNotAnException() throws IOException {
    Path plugins = tmp.resolve("plugins");
    Path jar = plugins.resolve("broken/broken.jar");
    writeJar(jar, Map.of(SERVICES, "broken.NoSuchFactory\n".getBytes(StandardCharsets.UTF_8)));

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.problems()).isNotEmpty();
    assertThat(catalog.problems()).allSatisfy(p -> assertThat(p).contains(plugins.resolve("broken").toString()));
    assertThat(String.join("\n", catalog.problems())).contains("broken.NoSuchFactory");
    assertThat(catalog.knownTypes()).containsExactlyInAnyOrder("local", "env", "file", "localvault");
  }

  @Test
  void jarWithoutServicesFileIsAProblem() throws IOException {
    Path plugins = tmp.resolve("plugins");
    writeJar(plugins.resolve("empty/empty.jar"), Map.of("README.txt", "nothing".getBytes(StandardCharsets.UTF_8)));

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.problems())
        .singleElement()
        .asString()
        .contains(plugins.resolve("empty").toString(), "no io.dso.provider.SecretProviderFactory service", "META-INF/services");
  }

  @Test
  void unknownTypeListsKnownTypesAndThePluginsDir() {
    Path plugins = tmp.resolve("plugins");
    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> catalog.factory("vaultt"));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("'vaultt'", "env", "file", "local", plugins.toString());
  }

  @Test
  void unknownTypeWithoutPluginsDirSaysNone() {
    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> ProviderCatalog.discover(null).factory("nope"));

    assertThat(e.getMessage()).contains("'nope'", "(none)");
  }

  @Test
  void originNamesThePluginDirectoryOrBuiltIn() throws Exception {
    Path plugins = tmp.resolve("plugins");
    buildPlugin(plugins.resolve("demo/demo.jar"), "demo.plugin.Factory", "demo", "v");

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.origin("demo")).isEqualTo("plugin " + plugins.resolve("demo"));
    assertThat(catalog.origin("local")).isEqualTo("built-in");
  }

  @Test
  void pluginWhoseValidateThrowsIsAConfigProblemNamingTheDirectory() throws Exception {
    Path plugins = tmp.resolve("plugins");
    buildPlugin(plugins.resolve("vbad/vbad.jar"), "vbad.plugin.Factory", "\"vbad\"", "",
        "throw new IllegalStateException(\"CANARY-validate\");", "return null;");

    ProviderCatalog catalog = ProviderCatalog.discover(plugins);

    assertThat(catalog.validate("vbad", Map.of("k", "v"))).singleElement().asString()
        .contains("'vbad'", plugins.resolve("vbad").toString(), "IllegalStateException").doesNotContain("CANARY-validate");
  }

  @Test
  void factoriesThatThrowAtCreateLeaveTheOtherProvidersWorking() throws Exception {
    Path plugins = tmp.resolve("plugins");
    buildPlugin(plugins.resolve("rt/rt.jar"), "rt.plugin.Factory", "\"rt\"", "", "return List.of();",
        "throw new IllegalStateException(\"cannot connect\");");
    // A plugin whose jar lacks a class it needs fails with a LinkageError, not an exception.
    buildPlugin(plugins.resolve("link/link.jar"), "link.plugin.Factory", "\"link\"", "", "return List.of();",
        "throw new NoClassDefFoundError(\"com/example/sdk/Client\");");
    ProviderCatalog catalog = ProviderCatalog.discover(plugins);
    io.dso.config.DsoConfig config = new io.dso.config.ConfigLoader(Map.of(), catalog).parse("""
        providers:
          good: { type: env }
          rt-one: { type: rt }
          link-one: { type: link }
        secrets:
          - { name: db, provider: good, inject: env }
        """, tmp.resolve("dso.yaml"));
    var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    try (ProviderRegistry registry = ProviderRegistry.open(config, catalog, Map.of("DSO_SECRET_DB", "ok"), Clock.systemUTC(), executor, d -> {})) {
      assertThat(registry.get("good").fetch(new SecretRef("good", "db")).values()).containsEntry("value", "ok");
      for (String name : java.util.List.of("rt-one", "link-one")) {
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> registry.get(name).fetch(new SecretRef(name, "x")));
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("'" + name + "'", "could not be created", plugins.toString());
      }
    } finally {
      executor.shutdownNow();
    }
  }

  // --- building a plugin at test time ---------------------------------------------------------

  private void buildPlugin(Path jar, String className, String type, String value) throws IOException, URISyntaxException {
    buildPlugin(jar, className, "\"" + type + "\"", value, "");
  }

  /**
   * Compiles a one-class factory whose {@code type()} returns {@code typeExpression} (Java source),
   * with {@code extraMembers} (e.g. a constructor) added, and jars it with its services file.
   */
  private void buildPlugin(Path jar, String className, String typeExpression, String value, String extraMembers)
      throws IOException, URISyntaxException {
    buildPlugin(jar, className, typeExpression, extraMembers,
        "return config.isEmpty() ? List.of() : List.of(\"demo says no\");",
        "return ref -> new SecretPayload(Map.of(\"value\", \"" + value + "\"));");
  }

  /** As above, with the bodies of {@code validate(config)} and {@code create(context)} given as Java source. */
  private void buildPlugin(Path jar, String className, String typeExpression, String extraMembers,
      String validateBody, String createBody) throws IOException, URISyntaxException {
    int dot = className.lastIndexOf('.');
    String pkg = className.substring(0, dot);
    String simple = className.substring(dot + 1);
    String source =
        "package " + pkg + ";\n"
            + "import io.dso.provider.*;\n"
            + "import java.util.List;\n"
            + "import java.util.Map;\n"
            + "public final class " + simple + " implements SecretProviderFactory {\n"
            + extraMembers + "\n"
            + "  @Override public String type() { return " + typeExpression + "; }\n"
            + "  @Override public List<String> validate(Map<String, Object> config) {\n"
            + "    " + validateBody + "\n"
            + "  }\n"
            + "  @Override public SecretProvider create(ProviderContext context) {\n"
            + "    " + createBody + "\n"
            + "  }\n"
            + "}\n";
    Path src = tmp.resolve("src-" + simple).resolve(pkg.replace('.', '/')).resolve(simple + ".java");
    Path classes = tmp.resolve("classes-" + simple);
    Files.createDirectories(src.getParent());
    Files.createDirectories(classes);
    Files.writeString(src, source);

    // Surefire may hand the JVM a manifest-only jar, so add where the SPI classes really are.
    String spiLocation =
        Path.of(SecretProviderFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    String classPath = spiLocation + File.pathSeparator + System.getProperty("java.class.path");
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assertThat(compiler).as("tests need a JDK, not a JRE").isNotNull();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc =
        compiler.run(
            null, diagnostics, diagnostics,
            "-proc:none", "--release", "21", "-cp", classPath, "-d", classes.toString(), src.toString());
    assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

    Map<String, byte[]> entries = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        entries.put(classes.relativize(f).toString().replace(File.separatorChar, '/'), Files.readAllBytes(f));
      }
    }
    entries.put(SERVICES, (className + "\n").getBytes(StandardCharsets.UTF_8));
    writeJar(jar, entries);
  }

  private static void writeJar(Path jar, Map<String, byte[]> entries) throws IOException {
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jos = new JarOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(entries).entrySet()) {
        jos.putNextEntry(new JarEntry(e.getKey()));
        jos.write(e.getValue());
        jos.closeEntry();
      }
    }
  }
}
