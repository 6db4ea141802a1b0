package io.dso.config;

/** Layout of file injection: one file per key ({@code files}, the default) or one JSON object ({@code json}). */
public enum FileFormat {
  FILES,
  JSON
}
