package io.dso.cli.diag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * Prints the data lines of an event stream: as compact JSON (one object per line) for machines,
 * or as {@link EventLine}s for people. A line that is not JSON is skipped in JSON mode so that
 * stdout stays parseable.
 */
final class LinePrinter implements Consumer<String> {
  private final PrintWriter out;
  private final boolean json;

  LinePrinter(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  @Override
  public void accept(String data) {
    if (data == null || data.isBlank()) {
      return;
    }
    JsonNode node;
    try {
      node = Terminal.JSON.readTree(data);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (json) {
      if (node != null && node.isObject()) {
        out.println(node.toString());
      }
    } else {
      out.println(node != null && node.isObject() ? EventLine.format(node) : data.strip());
    }
    out.flush();
  }

  /** Prints one record already parsed. */
  void print(JsonNode record) {
    out.println(json ? record.toString() : EventLine.format(record));
    out.flush();
  }
}
