package io.dso.cli.secret;

import io.dso.cli.VersionCommand;
import io.dso.localvault.LocalVault;
import io.dso.localvault.VaultException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dso init}: creates the local encrypted vault and, unless {@code DSO_MASTER_KEY} is set, its master key. */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = {"Create the local encrypted vault ($DSO_HOME, else ~/.dso: vault.enc and master.key).",
        "The master key comes from DSO_MASTER_KEY when set, else master.key (created here, 32 random bytes, mode 0600).",
        "Back up master.key: without it the vault cannot be opened."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:created", "1:a vault exists already (use --force) or it could not be written",
        "2:usage error", "5:permission denied"})
public final class InitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin VaultCli cli;

  @Option(names = "--force", description = "Replace an existing vault with an empty one (its entries are lost; master.key is kept).")
  boolean force;

  @Override
  public Integer call() {
    LocalVault vault;
    try {
      vault = LocalVault.init(LocalVault.defaultDir(), force, System.getenv());
    } catch (VaultException e) {
      return cli.fail(spec, e);
    }
    boolean fromEnv = vault.keySource().equals("DSO_MASTER_KEY");
    if (cli.json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("vault", vault.file().toString());
      out.put("master_key", vault.keySource());
      out.put("master_key_created", vault.createdKey());
      VaultCli.printJson(spec, out);
      return VaultCli.OK;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("created the local vault " + vault.file());
    if (fromEnv) {
      out.println("master key: DSO_MASTER_KEY (no key file written); keep that value safe, the vault opens only with it");
    } else {
      out.println("master key: " + vault.keySource() + (vault.createdKey() ? " (new)" : " (existing, kept)"));
      out.println("back up " + vault.keySource() + " now: without it the vault cannot be opened");
    }
    out.println("next: dso secret set myapp/db_password");
    return VaultCli.OK;
  }
}
