package io.dso.cli.secret;

import io.dso.cli.VersionCommand;
import io.dso.localvault.LocalVault;
import io.dso.localvault.VaultException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dso secret list}: names, update times and sizes of the vault's entries; never values. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "List the vault's entries: name, last update, size in bytes; never values.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed (also when empty)", "1:failure", "2:usage error", "5:permission denied"})
public final class SecretListCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin VaultCli cli;

  @Override
  public Integer call() {
    List<LocalVault.Entry> entries;
    try {
      entries = LocalVault.open(LocalVault.defaultDir(), System.getenv()).list();
    } catch (VaultException e) {
      return cli.fail(spec, e);
    }
    if (cli.json) {
      VaultCli.printJson(spec, entries.stream().map(e -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("updated", e.updatedAt().toString());
        m.put("size", e.size());
        return m;
      }).toList());
      return VaultCli.OK;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (entries.isEmpty()) {
      out.println("the local vault is empty; add an entry with 'dso secret set myapp/db_password'");
      return VaultCli.OK;
    }
    int width = Math.max(4, entries.stream().mapToInt(e -> e.name().length()).max().orElse(4));
    out.printf("%-" + width + "s  %-24s  %s%n", "NAME", "UPDATED", "SIZE");
    for (LocalVault.Entry e : entries) {
      out.printf("%-" + width + "s  %-24s  %d%n", e.name(), e.updatedAt(), e.size());
    }
    out.flush();
    return VaultCli.OK;
  }
}
