package io.dso.provider;

import io.dso.config.ProviderTypes;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The provider types this agent can use: built-ins found on the class path, and plugins found as
 * {@code plugins/<name>/*.jar}, each in its own class loader. A broken plugin is reported in
 * {@link #problems()} and never takes the agent down.
 */
public final class ProviderCatalog implements ProviderTypes {
  private final Map<String, SecretProviderFactory> factories;
  private final Map<String, String> origins;
  private final List<String> problems;
  private final Path pluginsDir;

  private ProviderCatalog(
      Map<String, SecretProviderFactory> factories, List<String> problems, Path pluginsDir) {
    this.factories = Collections.unmodifiableMap(factories);
    Map<String, String> from = new TreeMap<>();
    factories.forEach((type, f) -> from.put(type, f.getClass().getClassLoader() instanceof URLClassLoader plugin
            && plugin.getURLs().length > 0 && f.getClass().getClassLoader() != ProviderCatalog.class.getClassLoader()
        ? "plugin " + pluginDir(plugin) : "built-in"));
    this.origins = Collections.unmodifiableMap(from);
    this.problems = List.copyOf(problems);
    this.pluginsDir = pluginsDir;
  }

  /** Discovers built-ins and, when {@code pluginsDir} exists, every plugin below it. */
  public static ProviderCatalog discover(Path pluginsDir) {
    Map<String, SecretProviderFactory> found = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    load(ProviderCatalog.class.getClassLoader(), "built-in", found, problems);
    if (pluginsDir != null && Files.isDirectory(pluginsDir)) {
      try (Stream<Path> dirs = Files.list(pluginsDir)) {
        for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
          loadPlugin(dir, found, problems);
        }
      } catch (IOException e) {
        problems.add("cannot list plugin directory " + pluginsDir + ": " + e.getMessage());
      }
    }
    return new ProviderCatalog(found, problems, pluginsDir);
  }

  private static void loadPlugin(
      Path dir, Map<String, SecretProviderFactory> found, List<String> problems) {
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        jars.add(jar.toUri().toURL());
      }
    } catch (IOException e) {
      problems.add("plugin " + dir + ": cannot read its jars: " + e.getMessage());
      return;
    }
    if (jars.isEmpty()) {
      problems.add("plugin " + dir + ": no .jar files in it; remove the directory or add the plugin jars");
      return;
    }
    // Parent is our loader so that the SPI types are shared; the plugin's own deps stay private.
    URLClassLoader loader =
        new URLClassLoader(
            "dso-plugin-" + dir.getFileName(), jars.toArray(URL[]::new), ProviderCatalog.class.getClassLoader());
    int before = found.size();
    int problemsBefore = problems.size();
    load(loader, "plugin " + dir, found, problems);
    if (found.size() == before && problems.size() == problemsBefore) {
      problems.add(
          "plugin "
              + dir
              + ": no io.dso.provider.SecretProviderFactory service found in "
              + jars.size()
              + " jar(s); the plugin must list its factory in META-INF/services");
    }
  }

  private static void load(
      ClassLoader loader,
      String origin,
      Map<String, SecretProviderFactory> found,
      List<String> problems) {
    ServiceLoader<SecretProviderFactory> services =
        ServiceLoader.load(SecretProviderFactory.class, loader);
    var it = services.iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        SecretProviderFactory f = it.next();
        if (loader != ProviderCatalog.class.getClassLoader()
            && f.getClass().getClassLoader() != loader) {
          continue; // a built-in seen again through the parent loader
        }
        String type;
        try {
          type = f.type();
        } catch (RuntimeException e) {
          problems.add(origin + ": provider " + f.getClass().getName() + " failed to report its type: " + e);
          continue;
        }
        if (type == null || type.isBlank()) {
          problems.add(origin + ": provider " + f.getClass().getName() + " reports no type; it is ignored");
          continue;
        }
        String tooOldOrNew = spiMismatch(f);
        if (tooOldOrNew != null) {
          problems.add(origin + ": provider type '" + type + "' " + tooOldOrNew + "; it is ignored");
          continue;
        }
        SecretProviderFactory previous = found.putIfAbsent(type, f);
        if (previous != null && previous != f && !previous.getClass().equals(f.getClass())) {
          problems.add(origin + ": provider type '" + type + "' is already provided; ignored");
        }
      } catch (ServiceConfigurationError | LinkageError e) {
        problems.add(origin + ": cannot load a provider: " + e.getMessage());
      }
    }
  }

  /** Null when the factory speaks an SPI version this agent loads, else why not. */
  private static String spiMismatch(SecretProviderFactory f) {
    int v;
    try {
      v = f.spiVersion();
    } catch (RuntimeException | LinkageError e) {
      return "failed to report its SPI version (" + e.getClass().getSimpleName() + ")";
    }
    if (v > SecretProviderFactory.SPI_VERSION) {
      return "was built for provider SPI " + v + ", newer than this agent's " + SecretProviderFactory.SPI_VERSION
          + "; upgrade the agent or install the plugin version that matches it";
    }
    if (v < SecretProviderFactory.MIN_SPI_VERSION) {
      return "was built for provider SPI " + v + ", older than the oldest this agent loads ("
          + SecretProviderFactory.MIN_SPI_VERSION + "); rebuild the plugin against this agent";
    }
    return null;
  }

  /** Human-readable plugin problems found during discovery. */
  public List<String> problems() {
    return problems;
  }

  public SecretProviderFactory factory(String type) {
    SecretProviderFactory f = factories.get(type);
    if (f == null) {
      throw new ProviderException(
          type,
          null,
          false,
          "no provider of type '"
              + type
              + "' (known: "
              + String.join(", ", factories.keySet())
              + "; plugins searched in "
              + (pluginsDir == null ? "(none)" : pluginsDir)
              + ")");
    }
    return f;
  }

  @Override
  public boolean known(String type) {
    return factories.containsKey(type);
  }

  @Override
  public Set<String> knownTypes() {
    return factories.keySet();
  }

  private static String pluginDir(URLClassLoader loader) {
    try {
      return Path.of(loader.getURLs()[0].toURI()).getParent().toString();
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return loader.getName();
    }
  }

  /** Where a known type comes from, for error messages: {@code built-in} or {@code plugin <directory>}. */
  public String origin(String type) {
    return origins.getOrDefault(type, "not installed");
  }

  @Override
  public List<String> validate(String type, Map<String, Object> config) {
    SecretProviderFactory f = factories.get(type);
    if (f == null) {
      return List.of();
    }
    try {
      List<String> problems = f.validate(config);
      return problems == null ? List.of() : problems;
    } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
      // A plugin bug must not stop the agent from reading its config; its message may quote values, so only the type is named.
      return List.of("provider type '" + type + "' (" + origin(type) + ") failed while checking its config ("
          + e.getClass().getSimpleName() + "); fix or remove the plugin");
    }
  }

}
