package io.dso.cli.secret;

import io.dso.cli.VersionCommand;
import io.dso.localvault.LocalVault;
import io.dso.localvault.VaultException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dso secret get NAME}: an entry's metadata, its value only with {@code --reveal}. */
@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Show a vault entry: masked unless --reveal (then the value alone is printed, for $(...)).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:found", "1:failure", "2:usage error", "4:no such entry", "5:permission denied"})
public final class SecretGetCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin VaultCli cli;

  @Parameters(index = "0", paramLabel = "NAME", description = "<project>/<path>")
  String name;

  @Option(names = "--reveal", description = "Print the value itself.")
  boolean reveal;

  @Override
  public Integer call() {
    VaultCli.checkName(spec, name);
    Optional<String> value;
    Optional<LocalVault.Entry> entry;
    try {
      LocalVault vault = LocalVault.open(LocalVault.defaultDir(), System.getenv());
      entry = vault.list().stream().filter(e -> e.name().equals(name)).findFirst();
      value = reveal ? vault.get(name) : Optional.empty();
    } catch (VaultException e) {
      return cli.fail(spec, e);
    }
    if (entry.isEmpty()) {
      return VaultCli.fail(spec, VaultCli.NOT_FOUND, "no entry '" + name + "' in the local vault; list them with"
          + " 'dso secret list' or add it with 'dso secret set " + name + "'");
    }
    PrintWriter out = spec.commandLine().getOut();
    LocalVault.Entry e = entry.get();
    if (cli.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("name", e.name());
      json.put("updated", e.updatedAt().toString());
      json.put("size", e.size());
      json.put("value", value.orElse("********"));
      json.put("revealed", reveal);
      VaultCli.printJson(spec, json);
    } else if (reveal) {
      out.println(value.orElse(""));
    } else {
      out.println(e.name() + " = ******** (" + e.size() + " bytes, updated " + e.updatedAt() + "; --reveal shows the value)");
    }
    out.flush();
    return VaultCli.OK;
  }
}
