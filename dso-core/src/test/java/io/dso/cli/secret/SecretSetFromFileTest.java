package io.dso.cli.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dso secret set --from-file} given something that is not a file. */
class SecretSetFromFileTest {
  @TempDir Path tmp;

  @Test
  void fromFileNamingADirectoryIsAOneLineErrorThatNamesThePathAndSaysWhatToDo() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new SecretSetCommand());
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));

    int code = cli.execute("qa-app/from_dir", "--from-file", tmp.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip()).doesNotContain("\n")
        .contains("--from-file " + tmp + " is a directory").contains("give the path of the file");
  }
}
