package io.dso.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Environment variables a secret may not set unless its mapping says {@code allow_reserved: true}:
 * they steer the dynamic loader, the shell or a language runtime, so whoever controls the secret's
 * value would control what code the container runs. The one list the config check, the injector
 * and the README share.
 */
public final class ReservedEnvNames {
  /** Names reserved exactly (environment names are case-sensitive). */
  public static final Set<String> EXACT = Set.of(
      "PATH", "HOME", "SHELL", "IFS", "ENV", "BASH_ENV", "CDPATH", "PROMPT_COMMAND", "PS4",
      "GLIBC_TUNABLES", "GCONV_PATH", "HOSTALIASES", "LOCALDOMAIN", "RES_OPTIONS", "NLSPATH", "LOCPATH",
      "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONUSERBASE",
      "PERL5LIB", "PERLLIB", "PERL5OPT", "PERL5DB", "RUBYOPT", "RUBYLIB",
      "NODE_OPTIONS", "NODE_PATH",
      "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH",
      "GIT_SSH", "GIT_SSH_COMMAND", "GIT_EXEC_PATH", "GIT_ASKPASS", "GIT_PROXY_COMMAND", "GIT_EXTERNAL_DIFF",
      "GIT_PAGER", "GIT_EDITOR", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM");
  /** Prefixes reserved with everything after them: the Linux and macOS loaders, git's config pairs. */
  public static final List<String> PREFIXES = List.of("LD_", "DYLD_", "GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_");

  private ReservedEnvNames() {}

  /** Why {@code name} is reserved, as "reserved (...)" for messages, or empty when a secret may set it. */
  public static Optional<String> reason(String name) {
    if (EXACT.contains(name)) {
      return Optional.of("reserved (it steers the shell, the loader or a runtime)");
    }
    for (String p : PREFIXES) {
      if (name.startsWith(p)) {
        return Optional.of("reserved (" + p + "* steers the loader or a runtime)");
      }
    }
    return Optional.empty();
  }
}
