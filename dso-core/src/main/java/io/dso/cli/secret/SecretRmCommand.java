package io.dso.cli.secret;

import io.dso.cli.VersionCommand;
import io.dso.localvault.LocalVault;
import io.dso.localvault.VaultException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dso secret rm NAME}: removes one vault entry. */
@Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Remove an entry from the local vault.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:removed", "1:failure", "2:usage error", "4:no such entry", "5:permission denied"})
public final class SecretRmCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin VaultCli cli;

  @Parameters(index = "0", paramLabel = "NAME", description = "<project>/<path>")
  String name;

  @Override
  public Integer call() {
    VaultCli.checkName(spec, name);
    boolean removed;
    try {
      removed = LocalVault.open(LocalVault.defaultDir(), System.getenv()).remove(name);
    } catch (VaultException e) {
      return cli.fail(spec, e);
    }
    if (!removed) {
      return VaultCli.fail(spec, VaultCli.NOT_FOUND, "no entry '" + name + "' in the local vault; list them with 'dso secret list'");
    }
    if (cli.json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("name", name);
      out.put("removed", true);
      VaultCli.printJson(spec, out);
    } else {
      spec.commandLine().getOut().println("removed " + name);
      spec.commandLine().getOut().flush();
    }
    return VaultCli.OK;
  }
}
