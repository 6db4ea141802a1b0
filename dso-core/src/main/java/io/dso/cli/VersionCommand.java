package io.dso.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dso version}: the build's version and the Java runtime. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = "Print the version.")
public final class VersionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--json", description = "Print the version as JSON.")
  boolean json;

  /** The project version baked into the jar at build time. */
  public static String version() {
    try (InputStream in = VersionCommand.class.getResourceAsStream("/io/dso/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public Integer call() throws IOException {
    if (json) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("version", version());
      m.put("java", Runtime.version().toString());
      spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(m));
      return 0;
    }
    spec.commandLine().getOut().println("dso " + version() + " (Java " + Runtime.version() + ")");
    return 0;
  }

  /** Lets {@code dso --version} print the same. */
  public static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dso " + version()};
    }
  }
}
