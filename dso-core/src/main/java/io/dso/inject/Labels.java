package io.dso.inject;

/**
 * Container labels the agent reads and writes. Targets carry {@code dso.reloader=true} and
 * {@code dso.secrets}; the agent records on containers it creates which secret versions they hold.
 */
public final class Labels {
  public static final String RELOADER = "dso.reloader";
  public static final String SECRETS = "dso.secrets";
  public static final String STRATEGY = "dso.update.strategy";
  /** Set on every container the agent created. */
  public static final String MANAGED = "dso.managed";
  /** {@code dso.env.<secret>} = HMAC version of the env values baked into this container. */
  public static final String ENV_PREFIX = "dso.env.";
  /** {@code dso.file.<secret>} = container path where the agent's tmpfs directory is mounted. */
  public static final String FILE_PREFIX = "dso.file.";
  /** The Compose project of a service container whose env the agent renders from templates. */
  public static final String COMPOSE_PROJECT = "dso.compose.project";
  /** The Compose service of such a container: names its directory of {@code dsofile://} files. */
  public static final String COMPOSE_SERVICE = "dso.compose.service";
  /**
   * JSON object {VAR: template}: the variables the agent renders for the container from current
   * values; templates hold {@code dso://}/{@code dsofile://} references, never values.
   */
  public static final String COMPOSE_ENV = "dso.compose.env";
  /** Suffixes of the temporary names used while a container is replaced. */
  public static final String NEW_SUFFIX = "_dso_new";
  public static final String OLD_SUFFIX = "_dso_old";

  private Labels() {}

  public static boolean temporaryName(String name) {
    return name.endsWith(NEW_SUFFIX) || name.endsWith(OLD_SUFFIX);
  }
}
