package io.dso.agent;

import java.nio.file.Path;

/**
 * How an agent is started, from the command line: the resolved config file, the state directory,
 * where audit records go (null = stdout), the Docker daemon address, the plugin directory, the
 * tmpfs directory for file-mode secrets and whether the agent runs as root.
 */
public record AgentOptions(
    Path config, Path stateDir, Path auditLog, String dockerHost, Path pluginsDir, Path secretsDir, boolean root) {}
