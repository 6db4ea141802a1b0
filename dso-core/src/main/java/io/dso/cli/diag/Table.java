package io.dso.cli.diag;

import java.util.ArrayList;
import java.util.List;

/**
 * An aligned text table for people: a header and rows, columns padded to their widest cell, the
 * last column left ragged. Cells are plain text; colour is added by the caller after alignment.
 */
public final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... header) {
    this.header = List.of(header);
  }

  /** Adds a row; a null cell prints as {@code -}, missing cells as blanks. */
  public Table row(Object... cells) {
    List<String> row = new ArrayList<>(header.size());
    for (int i = 0; i < header.size(); i++) {
      Object c = i < cells.length ? cells[i] : "";
      row.add(c == null ? "-" : oneLine(c.toString()));
    }
    rows.add(row);
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** The table as lines, each indented by {@code indent} spaces, without trailing blanks. */
  public List<String> lines(int indent) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    List<String> out = new ArrayList<>(rows.size() + 1);
    out.add(line(header, width, indent));
    rows.forEach(r -> out.add(line(r, width, indent)));
    return out;
  }

  @Override
  public String toString() {
    return String.join(System.lineSeparator(), lines(0)) + System.lineSeparator();
  }

  private static String line(List<String> cells, int[] width, int indent) {
    StringBuilder b = new StringBuilder(" ".repeat(indent));
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      b.append(c);
      if (i < cells.size() - 1) {
        b.append(" ".repeat(width[i] - c.length() + 2));
      }
    }
    return b.toString().stripTrailing();
  }

  /** A cell never breaks the table: control characters (newlines, escapes) become spaces. */
  private static String oneLine(String s) {
    char[] chars = s.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      if (Character.isISOControl(chars[i])) {
        chars[i] = ' ';
      }
    }
    return new String(chars);
  }
}
