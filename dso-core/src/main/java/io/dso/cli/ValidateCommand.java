package io.dso.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.config.ConfigException;
import io.dso.config.ConfigLoader;
import io.dso.config.ConfigProblem;
import io.dso.config.ConfigUnreadableException;
import io.dso.config.DialectForm;
import io.dso.config.DialectMigration;
import io.dso.config.DsoConfig;
import io.dso.provider.ProviderCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dso validate}: checks a config file without touching providers or Docker. Exit 0 valid,
 * 1 invalid, 2 unreadable.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = "Check a dso.yaml without contacting providers or Docker.")
public final class ValidateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-c", "--config"}, description = "Config file (default: ./dso.yaml, then /etc/dso/dso.yaml).")
  Path config;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Option(names = "--rewrite", description = "Print the native form of a file written for the original Docker Secret Operator (same as dso config migrate).")
  boolean rewrite;

  @Option(names = "--plugins-dir", description = "Where provider plugins live (default: the distribution's plugins/).")
  Path pluginsDir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProviderCatalog catalog = ProviderCatalog.discover(pluginsDir == null ? Plugins.defaultDir() : pluginsDir);
    Path file = null;
    try {
      file = ConfigLoader.resolve(config, Path.of("").toAbsolutePath());
      ConfigLoader.Loaded loaded = new ConfigLoader(System.getenv(), catalog).read(file);
      DsoConfig parsed = loaded.config();
      if (rewrite) {
        out.print(DialectMigration.rewrite(ConfigLoader.text(file), file, System.getenv()));
        return 0;
      }
      if (json) {
        List<Map<String, Object>> forms = new ArrayList<>();
        for (DialectForm f : loaded.dialect()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("line", f.line());
          m.put("key", f.key());
          m.put("form", f.form());
          m.put("becomes", f.becomes());
          m.put("no_effect", f.noEffect());
          forms.add(m);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("valid", true);
        result.put("file", parsed.source().toString());
        result.put("problems", List.of());
        result.put("dialect", forms);
        print(out, result);
      } else {
        out.printf("%s: valid (%d provider(s), %d secret(s))%n", parsed.source(), parsed.providers().size(), parsed.secrets().size());
        if (!loaded.dialect().isEmpty()) {
          out.printf("written for the original Docker Secret Operator: %d form(s) translated (dso config migrate -c %s prints the native form)%n",
              loaded.dialect().size(), file);
          for (DialectForm f : loaded.dialect()) {
            out.println("  " + f.render());
          }
        }
      }
      return 0;
    } catch (ConfigException e) {
      if (json) {
        List<Map<String, Object>> problems = new ArrayList<>();
        for (ConfigProblem p : e.problems()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("file", String.valueOf(p.file()));
          m.put("line", p.line());
          m.put("key", p.key());
          m.put("message", p.message());
          m.put("hint", p.hint());
          problems.add(m);
        }
        print(out, Map.of("valid", false, "file", String.valueOf(file), "problems", problems));
      } else {
        err.println(e.render());
        err.printf("%d problem(s) found%n", e.problems().size());
      }
      return 1;
    } catch (ConfigUnreadableException e) {
      if (json) {
        print(out, Map.of("valid", false, "file", String.valueOf(file), "error", e.getMessage()));
      } else {
        err.println("dso: error: " + e.getMessage());
      }
      return 2;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static void print(PrintWriter out, Object value) throws Exception {
    out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
  }
}
