package io.dso.cli.secret;

import io.dso.cli.VersionCommand;
import io.dso.localvault.LocalVault;
import io.dso.localvault.VaultException;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dso secret set NAME}: stores a value read from a hidden prompt (on a terminal), from stdin,
 * or from a file; from the command line only with {@code --value}, which warns because the value is
 * then in the shell history and visible to {@code ps}.
 */
@Command(name = "set", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = {"Store a value in the local vault under NAME (<project>/<path>), replacing any earlier one.",
        "The value comes from a hidden prompt on a terminal, else from stdin (one trailing newline removed),",
        "or from --from-file (taken as it is). --value works too but leaves the value in shell history and ps."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stored", "1:failure (no vault, damaged vault, wrong master key, unreadable file)",
        "2:usage error (bad name, empty value)", "5:permission denied"})
public final class SecretSetCommand implements Callable<Integer> {
  /** Bounds what a mistaken pipe (a disk image on stdin) can make us hold. */
  static final int MAX_VALUE_BYTES = 4 << 20;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin VaultCli cli;

  @Parameters(index = "0", paramLabel = "NAME", description = "<project>/<path>, e.g. myapp/db_password")
  String name;

  @Option(names = "--from-file", paramLabel = "FILE", description = "Read the value from FILE (UTF-8 text, taken exactly).")
  Path fromFile;

  @Option(names = "--value", paramLabel = "VALUE",
      description = "The value itself (warns: it is now in your shell history and visible in ps).")
  String value;

  @Override
  public Integer call() throws IOException {
    VaultCli.checkName(spec, name);
    if (fromFile != null && value != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give either --from-file or --value, not both");
    }
    String secret;
    if (value != null) {
      spec.commandLine().getErr().println("dso: warning: a value given with --value is now in your shell history and"
          + " was visible to other users in ps; prefer the prompt, stdin or --from-file");
      secret = value;
    } else if (fromFile != null) {
      if (Files.isDirectory(fromFile)) {
        return VaultCli.fail(spec, VaultCli.FAILED, "--from-file " + fromFile + " is a directory; give the path of the file holding the value");
      }
      try {
        secret = utf8(readBounded(Files.newInputStream(fromFile)));
      } catch (NoSuchFileException e) {
        return VaultCli.fail(spec, VaultCli.FAILED, "--from-file " + fromFile + " does not exist; give the path of the file holding the value");
      } catch (java.nio.file.AccessDeniedException e) {
        return VaultCli.fail(spec, VaultCli.DENIED, "--from-file " + fromFile + ": permission denied; make it readable for this user");
      }
    } else {
      Console console = System.console();
      if (console != null) {
        char[] typed = console.readPassword("Value for %s (input hidden): ", name);
        secret = typed == null ? "" : new String(typed);
        if (typed != null) {
          Arrays.fill(typed, '\0');
        }
      } else {
        String piped = utf8(readBounded(System.in));
        secret = piped == null ? null : stripOneNewline(piped);
      }
    }
    if (secret == null) {
      return VaultCli.fail(spec, VaultCli.FAILED, "the value is not UTF-8 text; store binary data base64-encoded");
    }
    if (secret.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "the value is empty; nothing stored (type it at the prompt, pipe it on stdin or use --from-file)");
    }
    LocalVault vault;
    try {
      vault = LocalVault.open(LocalVault.defaultDir(), System.getenv());
      vault.put(name, secret);
    } catch (VaultException e) {
      return cli.fail(spec, e);
    }
    int size = secret.getBytes(StandardCharsets.UTF_8).length;
    if (cli.json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("name", name);
      out.put("size", size);
      out.put("vault", vault.file().toString());
      VaultCli.printJson(spec, out);
    } else {
      spec.commandLine().getOut().println("stored " + name + " (" + size + " bytes) in " + vault.file());
      spec.commandLine().getOut().flush();
    }
    return VaultCli.OK;
  }

  private byte[] readBounded(InputStream stream) throws IOException {
    try (InputStream in = stream) {
      byte[] bytes = in.readNBytes(MAX_VALUE_BYTES + 1);
      if (bytes.length > MAX_VALUE_BYTES) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "the value is larger than " + (MAX_VALUE_BYTES >> 20) + " MiB; the local vault is for secrets, not files");
      }
      return bytes;
    }
  }

  /** The text, or null when the bytes are not UTF-8 (a value is never decoded lossily). */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  static String stripOneNewline(String s) {
    if (s.endsWith("\r\n")) {
      return s.substring(0, s.length() - 2);
    }
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }
}
