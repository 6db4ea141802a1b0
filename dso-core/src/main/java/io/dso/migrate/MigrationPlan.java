package io.dso.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code dso migrate} proposes: the variables to move into the local vault (with the reason each
 * looks secret), those left alone (and why), warnings, and the text of {@code docker-compose.dso.yml}.
 * The values to import are held here for {@link Migration#apply} but never in {@link #toJson()} or
 * {@link #toString()}.
 */
public record MigrationPlan(
    String project,
    Path dir,
    String composeFile,
    List<String> envFiles,
    String output,
    List<Secret> secrets,
    List<Kept> kept,
    List<String> warnings,
    String composeText,
    Map<String, String> values) {

  /** A variable to import: its vault entry, the services using it, why it looks secret, its length. */
  public record Secret(String variable, String vaultName, List<String> services, String reason, int length, String source) {
    public Secret {
      services = List.copyOf(services);
    }

    public String reference() {
      return "dso://" + vaultName;
    }
  }

  /** A variable left where it is, and why. */
  public record Kept(String variable, List<String> services, String reason, String source) {
    public Kept {
      services = List.copyOf(services);
    }
  }

  public MigrationPlan {
    envFiles = List.copyOf(envFiles);
    secrets = List.copyOf(secrets);
    kept = List.copyOf(kept);
    warnings = List.copyOf(warnings);
    values = Map.copyOf(values);
  }

  /** The plan as JSON (paths relative to the project directory; never a value). */
  public ObjectNode toJson() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("project", project);
    root.put("compose_file", composeFile);
    envFiles.forEach(root.putArray("env_files")::add);
    root.put("output", output);
    ArrayNode s = root.putArray("secrets");
    for (Secret x : secrets) {
      ObjectNode n = s.addObject();
      n.put("variable", x.variable());
      n.put("vault_name", x.vaultName());
      n.put("reference", x.reference());
      x.services().forEach(n.putArray("services")::add);
      n.put("reason", x.reason());
      n.put("length", x.length());
      n.put("source", x.source());
    }
    ArrayNode k = root.putArray("kept");
    for (Kept x : kept) {
      ObjectNode n = k.addObject();
      n.put("variable", x.variable());
      x.services().forEach(n.putArray("services")::add);
      n.put("reason", x.reason());
      n.put("source", x.source());
    }
    warnings.forEach(root.putArray("warnings")::add);
    return root;
  }

  @Override
  public String toString() {
    return "MigrationPlan[" + project + ", " + secrets.size() + " secrets, " + kept.size() + " kept]";
  }
}
